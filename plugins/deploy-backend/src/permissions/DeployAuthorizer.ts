import {
  AuthService,
  BackstageCredentials,
  BackstageServicePrincipal,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PermissionCriteria,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  DEPLOY_SERVICE_RESOURCE_TYPE,
  DEPLOY_TARGET_RESOURCE_TYPE,
  deployTargetRef,
} from '@slipway/plugin-deploy-common';
import {
  DeployServiceQuery,
  DeployServiceResource,
  DeployTarget,
  deployServiceResourceRef,
  deployTargetResourceRef,
} from './resources';

/**
 * Which services a caller may see in a list: all, none, or those matching
 * the policy's conditions (in query form, for the store's filters, and as a
 * test for one service).
 */
export type ServiceFilter =
  | { kind: 'all' }
  | { kind: 'none' }
  | {
      kind: 'some';
      criteria: PermissionCriteria<DeployServiceQuery>;
      test: (service: DeployServiceResource) => boolean;
    };

/**
 * The filter as the store takes it: undefined for everything; nothing
 * readable is an empty selection.
 */
export function readableServices(
  filter: ServiceFilter,
): PermissionCriteria<DeployServiceQuery> | undefined {
  if (filter.kind === 'all') {
    return undefined;
  }
  return filter.kind === 'none'
    ? { key: 'service', values: [] }
    : filter.criteria;
}

/**
 * Every permission decision of the deploy backend, in one place. Resource
 * permissions are asked for conditionally and the conditions applied here to
 * the resource as Slipway knows it — including a service that is being
 * registered, whose owner comes from the catalog.
 *
 * Service principals (another plugin's own credentials, an external access
 * token) never reach a permission policy in Backstage: the framework decides
 * them by their access restrictions alone, and allows everything when there
 * are none. So that no call skips a decision someone made, a service
 * principal may use a Slipway permission only when its access restrictions
 * name that permission explicitly. Calls made on behalf of a user (the
 * scaffolder's) are the user's and go through the policy.
 */
export class DeployAuthorizer {
  private readonly serviceMatches: (
    decision: PolicyDecision,
    resource: DeployServiceResource | undefined,
  ) => boolean;
  private readonly serviceQuery: ConditionTransformer<DeployServiceQuery>;
  private readonly targetMatches: (
    decision: PolicyDecision,
    resource: DeployTarget | undefined,
  ) => boolean;

  constructor(
    private readonly permissions: PermissionsService,
    private readonly auth: Pick<AuthService, 'isPrincipal'>,
    registry: Pick<PermissionsRegistryService, 'getPermissionRuleset'>,
  ) {
    const serviceRuleset = registry.getPermissionRuleset(
      deployServiceResourceRef,
    );
    this.serviceMatches = createConditionAuthorizer(serviceRuleset);
    this.serviceQuery = createConditionTransformer(serviceRuleset);
    this.targetMatches = createConditionAuthorizer(
      registry.getPermissionRuleset(deployTargetResourceRef),
    );
  }

  /** Throws NotAllowedError unless the caller holds the permission on the service. */
  async authorizeService(
    credentials: BackstageCredentials,
    permission: ResourcePermission<typeof DEPLOY_SERVICE_RESOURCE_TYPE>,
    service: DeployServiceResource,
  ): Promise<void> {
    if (!(await this.allowsService(credentials, permission, [service]))[0]) {
      throw new NotAllowedError(
        `${this.who(credentials)} may not ${permission.name} on service ${
          service.name
        } (owned by ${service.ownerRef})${this.hint(credentials, permission)}`,
      );
    }
  }

  /** Whether the caller holds the permission on each service, with one policy call. */
  async allowsService(
    credentials: BackstageCredentials,
    permission: ResourcePermission<typeof DEPLOY_SERVICE_RESOURCE_TYPE>,
    services: DeployServiceResource[],
  ): Promise<boolean[]> {
    const decision = await this.decide(credentials, permission);
    return services.map(s => this.serviceMatches(decision, s));
  }

  /** Throws NotAllowedError unless the caller holds the permission on the service in the channel. */
  async authorizeTarget(
    credentials: BackstageCredentials,
    permission: ResourcePermission<typeof DEPLOY_TARGET_RESOURCE_TYPE>,
    target: DeployTarget,
  ): Promise<void> {
    const decision = await this.decide(credentials, permission);
    if (!this.targetMatches(decision, target)) {
      throw new NotAllowedError(
        `${this.who(credentials)} may not ${
          permission.name
        } on ${deployTargetRef(target.service, target.channel)} (owned by ${
          target.ownerRef
        })${this.hint(credentials, permission)}`,
      );
    }
  }

  /** Whether the caller holds a permission that is not about one resource. */
  async allows(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<boolean> {
    if (!this.grantedToServicePrincipal(credentials, permission)) {
      return false;
    }
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The services a caller may see with this permission, for filtering lists. */
  async serviceFilter(
    credentials: BackstageCredentials,
    permission: ResourcePermission<typeof DEPLOY_SERVICE_RESOURCE_TYPE>,
  ): Promise<ServiceFilter> {
    const decision = await this.decide(credentials, permission);
    if (decision.result === AuthorizeResult.ALLOW) {
      return { kind: 'all' };
    }
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return { kind: 'none' };
    }
    return {
      kind: 'some',
      criteria: this.serviceQuery(decision.conditions),
      test: service => this.serviceMatches(decision, service),
    };
  }

  private async decide(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<PolicyDecision> {
    if (!this.grantedToServicePrincipal(credentials, permission)) {
      return { result: AuthorizeResult.DENY };
    }
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  private grantedToServicePrincipal(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
  ): boolean {
    if (!this.auth.isPrincipal(credentials, 'service')) {
      return true;
    }
    const restrictions = (credentials.principal as BackstageServicePrincipal)
      .accessRestrictions;
    return restrictions?.permissionNames?.includes(permission.name) ?? false;
  }

  private who(credentials: BackstageCredentials): string {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    return principal.type === 'user'
      ? principal.userEntityRef!
      : `service principal ${principal.subject}`;
  }

  private hint(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
  ): string {
    return this.auth.isPrincipal(credentials, 'service')
      ? `; a service principal needs "${permission.name}" named in its access restrictions (backend.auth.externalAccess[].accessRestrictions)`
      : '';
  }
}
