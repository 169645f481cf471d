import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CreateDeploymentRequest,
  Deployment,
  DeploymentAutomation,
  ListReleasesResponse,
  PipelineResponse,
  PublishReleaseRequest,
  RegisterServiceRequest,
  Release,
  ReleaseChangesResponse,
  ReleaseChannel,
  Service,
  ServiceSpec,
  SetDiff,
  SetDiffSide,
  isFinalDeploymentStatus,
} from '@slipway/plugin-deploy-common';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  DeploymentStore,
  ServiceRegistration,
} from '../database/DeploymentStore';
import { newDeploymentId } from '../database/deploymentIds';
import { describeWindow, insideWindow } from './deployWindow';
import { computePipeline } from '../delivery/pipeline';
import { releasesBetween } from '../delivery/releasesBetween';
import { DeploymentListener } from '../engine/DeploymentRunner';
import { withoutMigrations } from '../engine/pruneObjects';
import { ClusterError } from '../kubernetes/kubernetesErrors';
import { SetBuilder } from '../manifests/SetBuilder';
import { diffSets } from '../manifests/diffSets';
import { RenderedSet, SetObject } from '../manifests/renderedSet';
import { ClusterClient } from '../kubernetes/ClusterClient';
import { renderServiceObjects } from '../kubernetes/renderServiceObjects';
import { resolveNamespace } from '../kubernetes/serviceObjects/resolveNamespace';

/** The objects Slipway would create for a service in one channel. */
export interface RenderedChannel {
  channel: string;
  namespace: string;
  objects: KubernetesObject[];
}

/** What provisioning applied in one channel. */
export interface ProvisionedChannel {
  channel: string;
  namespace: string;
  objects: Array<{ kind: string; name: string }>;
}

// Rendering needs a version for the Deployment's image; the ServiceAccount and
// Service don't use it, so provisioning renders with this and keeps only those.
const NO_VERSION_YET = '0.0.0';

/** Releases kept per service unless `deploy.releases.keep` says otherwise. */
export const DEFAULT_KEEP_RELEASES = 200;

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Who is asking, as the router learned from the request's credentials. */
export interface Caller {
  userEntityRef: string;
  /** May skip the promotion rule with a recorded reason. */
  mayOverride: boolean;
}

/**
 * The rules of deploying, independent of HTTP: which version may enter which
 * channel, approvals, cancelling and rolling back. The worker does the rest.
 */
export class DeployService {
  constructor(
    private readonly store: DeploymentStore,
    private readonly channels: ReleaseChannel[],
    private readonly now: () => Date = () => new Date(),
    /** Called when a deployment becomes runnable, so a worker can take it now. */
    private readonly onRunnable: () => void = () => {},
    /** Renders what a deployment applies; the generated spec only, by default. */
    private readonly sets: SetBuilder = new SetBuilder(),
    private readonly hooks: {
      /** Told of every change a person makes (approval asked, cancelled …), to announce it. */
      listener?: DeploymentListener;
      /** Deletes a deployment's running migration Jobs; returns their names. */
      stopMigration?: (deployment: Deployment) => Promise<string[]>;
      /** Told of every release published, so channel rules can act on it. */
      onReleasePublished?: (release: Release) => void;
      /** How many releases to keep per service (older ones a channel runs stay). */
      keepReleases?: number;
    } = {},
  ) {}

  listChannels(): ReleaseChannel[] {
    return this.channels;
  }

  channel(name: string): ReleaseChannel {
    const channel = this.channels.find(c => c.name === name);
    if (!channel) {
      throw new InputError(
        `channel "${name}" does not exist; known channels: ${this.channels
          .map(c => c.name)
          .join(', ')}`,
      );
    }
    return channel;
  }

  async service(name: string): Promise<Service> {
    const service = await this.store.getService(name);
    if (!service) {
      throw new NotFoundError(
        `service "${name}" is not registered with Slipway`,
      );
    }
    return service;
  }

  /**
   * Registers a service, or updates a registered one. The caller has been
   * authorised, and the owner taken from the catalog, before this.
   */
  async registerService(registration: ServiceRegistration): Promise<Service> {
    this.checkSpec(registration.spec);
    this.checkNamespaces(registration.name);
    return this.store.registerService(registration);
  }

  /**
   * A name must make a valid namespace in every channel: one that does not
   * (too long for "{service}-{channel}") could be registered but never shown,
   * provisioned or deployed there.
   */
  private checkNamespaces(name: string) {
    for (const channel of this.channels) {
      try {
        resolveNamespace(channel.namespacePattern, {
          service: name,
          channel: channel.name,
        });
      } catch (error) {
        throw new InputError(
          `name: "${name}" cannot be deployed to channel ${channel.name}: ${
            (error as Error).message
          }; choose a name that fits the channel's namespace pattern`,
        );
      }
    }
  }

  /** Channels must exist, and a hidden value (how readers see a literal) is not a value. */
  private checkSpec(spec: ServiceSpec) {
    for (const [name, settings] of Object.entries(spec.channels)) {
      this.channel(name);
      for (const [key, value] of Object.entries(settings.env ?? {})) {
        // Kubernetes' rule for env names; OpenAPI 3.0 cannot say it for keys.
        if (!ENV_NAME.test(key) || key.length > 256) {
          throw new InputError(
            `spec.channels.${name}.env: "${key.slice(
              0,
              64,
            )}" is not a valid environment variable name; use letters, digits, "_", "-" and ".", not starting with a digit, at most 256 characters`,
          );
        }
        if (typeof value === 'object' && 'hidden' in value) {
          throw new InputError(
            `spec.channels.${name}.env.${key}: { hidden: true } is how a literal is shown to readers; send the value itself or a secretKeyRef/configMapKeyRef`,
          );
        }
      }
    }
  }

  /**
   * The objects Slipway would create for a service in every channel, changing
   * nothing: the ServiceAccount and Service, and the Deployment when a version
   * is given. Lets a template show a dry run.
   */
  renderChannels(
    request: RegisterServiceRequest,
    version?: string,
  ): RenderedChannel[] {
    this.checkSpec(request.spec);
    const now = this.now().toISOString();
    // Rendering does not use the owner, and a dry run may come before the
    // catalog entity exists.
    const service: Service = {
      ...request,
      ownerRef: '',
      createdAt: now,
      updatedAt: now,
    };
    return this.channels.map(channel => {
      const namespace = resolveNamespace(channel.namespacePattern, {
        service: service.name,
        channel: channel.name,
      });
      const [serviceAccount, kubernetesService, deployment] =
        renderServiceObjects(
          service,
          channel,
          namespace,
          version ?? NO_VERSION_YET,
        );
      return {
        channel: channel.name,
        namespace,
        objects: version
          ? [serviceAccount, kubernetesService, deployment]
          : [serviceAccount, kubernetesService],
      };
    });
  }

  /**
   * Applies a registered service's ServiceAccount and Service in a channel's
   * namespace by server-side apply, so running it again changes nothing. The
   * Deployment is left to the first deployment, which knows the version. The
   * namespace must exist: Slipway's least-privilege account can't create it.
   */
  async provisionChannel(
    serviceName: string,
    channelName: string,
    clusterFor: (cluster: string) => ClusterClient,
  ): Promise<ProvisionedChannel> {
    const service = await this.service(serviceName);
    const channel = this.channel(channelName);
    const namespace = resolveNamespace(channel.namespacePattern, {
      service: service.name,
      channel: channel.name,
    });
    const [serviceAccount, kubernetesService] = renderServiceObjects(
      service,
      channel,
      namespace,
      NO_VERSION_YET,
    );
    let applied: KubernetesObject[];
    try {
      applied = await clusterFor(channel.cluster).applyObjects([
        serviceAccount,
        kubernetesService,
      ]);
    } catch (error) {
      // With least privilege, a namespace that does not exist and one that
      // Slipway may not write to look alike (404 or 403): both are the
      // platform team's to fix, not the caller's.
      const missingOrDenied =
        error instanceof NotFoundError ||
        (error instanceof ClusterError && error.statusCode === 403);
      if (missingOrDenied) {
        throw new ClusterError(
          `Could not provision ${service.name} in channel ${channel.name}: namespace "${namespace}" of cluster "${channel.cluster}" ` +
            `does not exist or Slipway may not write to it. Slipway does not create namespaces: create "${namespace}" ` +
            `(every namespace of the pattern "${channel.namespacePattern}" must exist) and grant Slipway's account its Role there.`,
          502,
          error instanceof ClusterError ? error.detail : error.message,
          error instanceof ClusterError ? error.statusCode : 404,
        );
      }
      throw error;
    }
    return {
      channel: channel.name,
      namespace,
      objects: applied.map(object => ({
        kind: object.kind!,
        name: object.metadata!.name!,
      })),
    };
  }

  async createDeployment(
    request: CreateDeploymentRequest,
    caller: Caller,
    /** Set when a channel rule asks, not a person. */
    automation?: DeploymentAutomation,
  ): Promise<Deployment> {
    const service = await this.service(request.service);
    const channel = this.channel(request.channel);
    const previousChannel = this.channels.find(
      c => c.order === channel.order - 1,
    );

    const version = await this.versionFor(
      service.name,
      channel,
      request.version,
    );

    if (request.overrideReason !== undefined && !caller.mayOverride) {
      throw new NotAllowedError('you may not override the promotion rule');
    }
    if (
      channel.policy.releasesOnly &&
      !(await this.store.getRelease(service.name, version))
    ) {
      throw new ConflictError(
        `${channel.name} takes published releases only, and ${version} is not a release of ${service.name}; publish it first (POST /services/${service.name}/releases)`,
      );
    }
    // The deployment that proved this version in the previous channel: the
    // promotion rule asks for it, and a promotion renders its files.
    const proven =
      previousChannel &&
      (await this.succeededIn(service.name, version, previousChannel));
    if (previousChannel && request.overrideReason === undefined && !proven) {
      throw new ConflictError(
        `${version} has not succeeded in ${previousChannel.name} yet; deploy it there first, or override with a reason`,
      );
    }

    // A person outside the window is told now; a rule's deployment waits for
    // the window (the worker checks it again before it starts).
    if (
      !automation &&
      channel.policy.deployWindow &&
      !insideWindow(channel.policy.deployWindow, this.now())
    ) {
      throw new ConflictError(
        `${channel.name} takes deployments only ${describeWindow(
          channel.policy.deployWindow,
        )}`,
      );
    }

    // The set is rendered now, so a bad manifest is the caller's 400 and an
    // approval approves exactly these objects.
    const id = newDeploymentId(this.now());
    const set = await this.renderFor(service, channel, version, id, proven);
    const override = request.overrideReason
      ? ` (promotion order overridden: ${request.overrideReason})`
      : '';
    const { approvalRequired, approverMustDiffer } = channel.policy;
    const deployment = await this.store.createDeployment({
      id,
      set,
      service: service.name,
      channel: channel.name,
      version,
      spec: service.spec,
      requestedBy: caller.userEntityRef,
      overrideReason: request.overrideReason,
      automation,
      status: approvalRequired ? 'awaiting_approval' : 'requested',
      events: [
        {
          type: 'requested',
          message: automation
            ? `${automation.rule} requested ${version} in ${channel.name}: ${automation.reason}`
            : `Requested ${version} in ${channel.name}${override}`,
          data: {
            requestedBy: caller.userEntityRef,
            ...(automation && { rule: automation.rule }),
          },
        },
        ...(approvalRequired
          ? [
              {
                type: 'awaiting_approval',
                message: `${channel.name} needs an approval${
                  approverMustDiffer
                    ? ' by someone other than the requester'
                    : ''
                }`,
              },
            ]
          : []),
      ],
    });
    if (deployment.status === 'awaiting_approval') {
      await this.announce(deployment.id);
    } else {
      this.onRunnable();
    }
    return deployment;
  }

  /** The version asked for; without one, the version to promote from the previous channel. */
  private async versionFor(
    serviceName: string,
    channel: ReleaseChannel,
    requested?: string,
  ): Promise<string> {
    if (requested) {
      return requested;
    }
    const previousChannel = this.channels.find(
      c => c.order === channel.order - 1,
    );
    if (!previousChannel) {
      throw new InputError(
        `version is required: "${channel.name}" is the first channel, there is nothing to promote from`,
      );
    }
    const last = await this.store.lastSucceeded(
      serviceName,
      previousChannel.name,
    );
    if (!last) {
      throw new ConflictError(
        `nothing to promote: no version of ${serviceName} has succeeded in ${previousChannel.name} yet`,
      );
    }
    return last.version;
  }

  /**
   * Renders what a deployment of `version` applies in `channel`. A promotion
   * renders the files of the deployment it promotes, not whatever the branch
   * holds today.
   */
  private async renderFor(
    service: Service,
    channel: ReleaseChannel,
    version: string,
    deploymentId: string,
    promoted?: Deployment,
  ): Promise<RenderedSet> {
    const promotedSet = promoted
      ? await this.store.getDeploymentSet(promoted.id)
      : undefined;
    // A release's manifests are those of the commit it was built from.
    const release = promotedSet
      ? undefined
      : await this.store.getRelease(service.name, version);
    return this.sets.build({
      service,
      channel,
      namespace: resolveNamespace(channel.namespacePattern, {
        service: service.name,
        channel: channel.name,
      }),
      version,
      deploymentId,
      snapshot: promotedSet?.source.snapshot,
      commit: release?.commit,
    });
  }

  /**
   * The set a channel runs: its last succeeded deployment's, or that of a
   * later failed rollout left in place. Only deployments before `before`,
   * when given.
   */
  async runningSet(
    serviceName: string,
    channelName: string,
    before?: Deployment,
  ): Promise<{ deployment: Deployment; set: RenderedSet } | undefined> {
    const history = await this.store.listDeployments({
      service: serviceName,
      channel: channelName,
      limit: 100,
    });
    for (const deployment of history.items) {
      if (
        before &&
        (deployment.id === before.id || deployment.createdAt > before.createdAt)
      ) {
        continue;
      }
      const leftInPlace =
        deployment.status === 'failed' &&
        deployment.result?.rollout?.state === 'failed';
      if (deployment.status === 'succeeded' || leftInPlace) {
        const set = await this.store.getDeploymentSet(deployment.id);
        if (set) {
          return { deployment, set };
        }
        return undefined;
      }
    }
    return undefined;
  }

  /** What deploying `version` (or promoting) to a channel would change there, changing nothing. */
  async previewDiff(
    serviceName: string,
    channelName: string,
    version: string | undefined,
    view: (objects: SetObject[]) => SetObject[],
  ): Promise<SetDiff> {
    const service = await this.service(serviceName);
    const channel = this.channel(channelName);
    const resolved = await this.versionFor(service.name, channel, version);
    const previousChannel = this.channels.find(
      c => c.order === channel.order - 1,
    );
    const set = await this.renderFor(
      service,
      channel,
      resolved,
      newDeploymentId(this.now()),
      previousChannel &&
        (await this.succeededIn(service.name, resolved, previousChannel)),
    );
    const running = await this.runningSet(service.name, channel.name);
    return diffSets(
      running && {
        side: sideOf(running.deployment),
        objects: view(running.set.objects),
      },
      {
        side: { channel: channel.name, version: resolved },
        objects: view(set.objects),
      },
    );
  }

  /** What `head` runs that `base` does not, e.g. staging against prod. */
  async compareChannels(
    serviceName: string,
    baseChannel: string,
    headChannel: string,
    view: (objects: SetObject[]) => SetObject[],
  ): Promise<SetDiff> {
    const service = await this.service(serviceName);
    const [base, head] = await Promise.all(
      [baseChannel, headChannel].map(name =>
        this.runningSet(service.name, this.channel(name).name),
      ),
    );
    return diffSets(
      base && {
        side: sideOf(base.deployment),
        objects: view(base.set.objects),
      },
      {
        side: head ? sideOf(head.deployment) : { channel: headChannel },
        objects: head ? view(head.set.objects) : [],
      },
    );
  }

  /** What a deployment changed against the set its channel ran before it. */
  async deploymentDiff(
    id: string,
    view: (objects: SetObject[]) => SetObject[],
  ): Promise<SetDiff> {
    const deployment = await this.deployment(id);
    const set = await this.store.getDeploymentSet(id);
    if (!set) {
      throw new NotFoundError(
        `deployment ${id} was recorded before Slipway kept rendered sets`,
      );
    }
    const before = await this.runningSet(
      deployment.service,
      deployment.channel,
      deployment,
    );
    return diffSets(
      before && {
        side: sideOf(before.deployment),
        objects: view(before.set.objects),
      },
      { side: sideOf(deployment), objects: view(set.objects) },
    );
  }

  /** The deployment with which `version` succeeded (and soaked) in a channel, if it did. */
  private async succeededIn(
    service: string,
    version: string,
    channel: ReleaseChannel,
  ): Promise<Deployment | undefined> {
    const history = await this.store.listDeployments({
      service,
      channel: channel.name,
      status: 'succeeded',
      limit: 200,
    });
    return history.items.find(d => d.version === version);
  }

  /**
   * Cancels a deployment a rule left waiting (for an approval or a window)
   * because a newer release takes its place. Nothing of it ran.
   */
  async supersede(id: string, by: string): Promise<boolean> {
    const deployment = await this.deployment(id);
    if (
      deployment.startedAt ||
      !['awaiting_approval', 'requested'].includes(deployment.status)
    ) {
      return false;
    }
    const moved = await this.store.transition(id, {
      from: [deployment.status],
      to: 'cancelled',
      result: { ...deployment.result, supersededBy: by },
      event: {
        type: 'superseded',
        message: `Superseded by ${by}, a newer release, before it started`,
        data: { supersededBy: by },
      },
    });
    if (moved) {
      await this.announce(id);
    }
    return moved;
  }

  /**
   * Records a release CI built; channels that take new releases act on it.
   * Publishing the same version again with the same fields changes nothing.
   */
  async publishRelease(
    serviceName: string,
    request: PublishReleaseRequest,
    publishedBy: string,
  ): Promise<{ release: Release; created: boolean }> {
    const service = await this.service(serviceName);
    const { release, created } = await this.store.publishRelease(
      service.name,
      request,
      publishedBy,
    );
    if (created) {
      const inUse = (
        await Promise.all(
          this.channels.map(c =>
            this.store.lastSucceeded(service.name, c.name),
          ),
        )
      ).flatMap(d => (d ? [d.version] : []));
      await this.store.pruneReleases(
        service.name,
        this.hooks.keepReleases ?? DEFAULT_KEEP_RELEASES,
        inUse,
      );
      this.hooks.onReleasePublished?.(release);
    }
    const { seq: _seq, ...shown } = release;
    return { release: shown, created };
  }

  async listReleases(
    serviceName: string,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<ListReleasesResponse> {
    const service = await this.service(serviceName);
    const { items, nextCursor } = await this.store.listReleases(
      service.name,
      page,
    );
    return {
      items: items.map(({ seq: _seq, ...release }) => release),
      ...(nextCursor && { nextCursor }),
    };
  }

  /** Where each recent release stands in every channel. */
  async pipeline(serviceName: string, limit = 10): Promise<PipelineResponse> {
    const service = await this.service(serviceName);
    const [releases, deployments] = await Promise.all([
      this.store.listReleases(service.name, { limit }),
      this.store.listDeployments({ service: service.name, limit: 200 }),
    ]);
    return computePipeline({
      service,
      channels: this.channels,
      releases: releases.items,
      deployments: deployments.items,
      now: this.now(),
    });
  }

  /** The releases `head` runs that `base` does not, e.g. staging and not prod. */
  async releaseChanges(
    serviceName: string,
    baseChannel: string,
    headChannel: string,
  ): Promise<ReleaseChangesResponse> {
    const service = await this.service(serviceName);
    const [base, head] = await Promise.all(
      [baseChannel, headChannel].map(async name => {
        const channel = this.channel(name);
        const running = await this.store.lastSucceeded(
          service.name,
          channel.name,
        );
        return { channel: channel.name, version: running?.version };
      }),
    );
    return releasesBetween(
      base,
      head,
      (await this.store.listReleases(service.name, { limit: 200 })).items,
    );
  }

  async approve(id: string, approver: string): Promise<Deployment> {
    const deployment = await this.deployment(id);
    if (deployment.status !== 'awaiting_approval') {
      throw new ConflictError(
        `deployment ${id} is ${deployment.status}, not awaiting approval`,
      );
    }
    const channel = this.channel(deployment.channel);
    if (
      channel.policy.approverMustDiffer &&
      approver === deployment.requestedBy
    ) {
      throw new NotAllowedError(
        `${channel.name} needs approval by someone other than the requester (${deployment.requestedBy})`,
      );
    }
    const moved = await this.store.transition(id, {
      from: ['awaiting_approval'],
      to: 'requested',
      approvedBy: approver,
      event: { type: 'approved', message: `Approved by ${approver}` },
    });
    if (!moved) {
      throw new ConflictError(
        `deployment ${id} changed while it was being approved; reload and try again`,
      );
    }
    await this.announce(id);
    this.onRunnable();
    return this.deployment(id);
  }

  /**
   * Stops a deployment in any status that is not final: the way out that
   * always works. Before anything was applied it is simply cancelled; a
   * running migration Job is deleted; a rollout or soak stops where it is,
   * with its objects left as applied (roll back to restore the last good
   * version). Whoever was driving it loses its claim and writes nothing more.
   */
  async cancel(id: string, by: string): Promise<Deployment> {
    const deployment = await this.deployment(id);
    if (isFinalDeploymentStatus(deployment.status)) {
      throw new ConflictError(
        `deployment ${id} already ended (${deployment.status})`,
      );
    }
    await this.stop(deployment, `Cancelled by ${by}`);
    return this.deployment(id);
  }

  /** Moves an active deployment to cancelled, saying why, and stops its migration. */
  private async stop(deployment: Deployment, why: string): Promise<void> {
    const { id, status } = deployment;
    const applied = ['rolling_out', 'soaking', 'rolling_back'].includes(status);
    const moved = await this.store.transition(id, {
      from: [status],
      to: 'cancelled',
      event: {
        type: 'cancelled',
        message: `${why} while ${status.replace('_', ' ')}${
          applied
            ? '. Its objects stay as they were applied; roll back to restore the last version that succeeded'
            : ''
        }`,
        data: { status },
      },
    });
    if (!moved) {
      throw new ConflictError(
        `deployment ${id} changed while it was being stopped; reload and try again`,
      );
    }
    if (status === 'migrating' && this.hooks.stopMigration) {
      const deleted = await this.hooks
        .stopMigration(deployment)
        .catch(
          error =>
            `could not be deleted (${
              error instanceof Error ? error.message : error
            })`,
        );
      await this.store.appendEvent(id, {
        type: 'migration-stopped',
        message: Array.isArray(deleted)
          ? `Deleted migration Job ${deleted.join(
              ', ',
            )}; a migration cut short may have left the schema half-changed`
          : `The migration Job ${deleted}; delete it by hand`,
      });
    }
    await this.announce(id);
  }

  private async announce(id: string) {
    const fresh = await this.store.getDeployment(id);
    if (fresh && this.hooks.listener) {
      await this.hooks.listener.onChange(fresh).catch(() => undefined);
    }
  }

  /** Deploys the version that last succeeded before the current one in this channel. */
  async rollback(
    serviceName: string,
    channelName: string,
    caller: Caller,
  ): Promise<Deployment> {
    const service = await this.service(serviceName);
    const channel = this.channel(channelName);
    // On-call's way out pre-empts whatever runs in the channel: a rollout,
    // a soak, a migration, a request. Only a rollback already under way
    // stays.
    const active = await this.store.getActiveDeployment(
      service.name,
      channel.name,
    );
    const restoring =
      active &&
      (active.status === 'rolling_back' ||
        (await this.store.getDeploymentSet(active.id))?.source.restoredFrom);
    if (active && restoring) {
      throw new ConflictError(
        `${service.name} is already rolling back in ${channel.name} (deployment ${active.id})`,
      );
    }
    const history = await this.store.listDeployments({
      service: service.name,
      channel: channel.name,
      status: 'succeeded',
      limit: 50,
    });
    const [latest] = (
      await this.store.listDeployments({
        service: service.name,
        channel: channel.name,
        limit: 1,
      })
    ).items;
    const [current, ...older] = history.items;
    // Failed, or stopped (or about to be) after it started: it may have left
    // its objects in place, so the last that succeeded is what to restore
    // (re-applied as it ran, should the failure have applied nothing).
    // Otherwise, the version before the current one.
    const leftInPlace =
      latest &&
      latest.id !== current?.id &&
      (latest.status === 'failed' ||
        ((latest.status === 'cancelled' ||
          !isFinalDeploymentStatus(latest.status)) &&
          latest.startedAt !== undefined));
    const target = leftInPlace
      ? current
      : older.find(d => d.version !== current?.version);
    if (!target) {
      throw new ConflictError(
        `${service.name} has no earlier successful version in ${channel.name} to roll back to`,
      );
    }
    if (active) {
      await this.stop(
        active,
        `Pre-empted by a rollback requested by ${caller.userEntityRef}`,
      );
    }
    const from = leftInPlace ? latest.version : current.version;
    // A rollback goes back to a version the channel already ran, so it skips
    // the promotion rule and the approval: it is the way out of an incident.
    // It re-applies the set that ran then, exactly, without its migration.
    const spec =
      (await this.store.getDeploymentSpec(target.id)) ?? service.spec;
    const id = newDeploymentId(this.now());
    const targetSet =
      (await this.store.getDeploymentSet(target.id)) ??
      (await this.sets.build({
        service: { ...service, spec },
        channel,
        namespace: resolveNamespace(channel.namespacePattern, {
          service: service.name,
          channel: channel.name,
        }),
        version: target.version,
        deploymentId: target.id,
      }));
    const deployment = await this.store.createDeployment({
      id,
      set: {
        objects: withoutMigrations(targetSet.objects),
        source: { ...targetSet.source, restoredFrom: target.id },
      },
      service: service.name,
      channel: channel.name,
      version: target.version,
      // The version as it ran then, with the spec it ran with.
      spec,
      requestedBy: caller.userEntityRef,
      overrideReason: `rollback from ${from}`,
      events: [
        {
          type: 'requested',
          message:
            leftInPlace && !latest.result?.appliedAt && !latest.startedAt
              ? `Rollback of ${channel.name} to ${target.version}, which still runs (${from} failed before anything of it was applied): its set is applied again`
              : `Rollback of ${channel.name} from ${from} to ${target.version}`,
          data: { requestedBy: caller.userEntityRef },
        },
      ],
    });
    // A rollback restores objects, not data: say so when the schema moved on.
    const migratedSince = (
      await this.store.listDeployments({
        service: service.name,
        channel: channel.name,
        limit: 100,
      })
    ).items.filter(
      d =>
        d.createdAt > target.createdAt &&
        d.id !== deployment.id &&
        d.result?.migration?.state === 'succeeded',
    );
    if (migratedSince.length > 0) {
      await this.store.appendEvent(deployment.id, {
        type: 'schema-warning',
        message: `Migrations ran in ${channel.name} after ${
          target.version
        } was deployed (with ${migratedSince
          .map(d => d.version)
          .join(
            ', ',
          )}); the restored version runs against the schema they left, which Slipway does not undo`,
        data: { migratedBy: migratedSince.map(d => d.id) },
      });
    }
    this.onRunnable();
    return deployment;
  }

  async deployment(id: string): Promise<Deployment> {
    const deployment = await this.store.getDeployment(id);
    if (!deployment) {
      throw new NotFoundError(`deployment ${id} does not exist`);
    }
    return deployment;
  }
}

function sideOf(deployment: Deployment): SetDiffSide {
  return {
    channel: deployment.channel,
    version: deployment.version,
    deploymentId: deployment.id,
  };
}
