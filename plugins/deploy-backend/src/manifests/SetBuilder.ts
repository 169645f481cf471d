import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';
import { renderMigrationJob } from '../kubernetes/serviceObjects/migrationJob';
import { renderServiceObjects } from '../kubernetes/renderServiceObjects';
import { injectVersion } from './injectVersion';
import { PHASE_ANNOTATION, PRE_ROLLOUT, inApplyOrder } from './kinds';
import { renderSource } from './render/renderSource';
import { RenderTools } from './render/types';
import { RenderedSet, SetObject, encodeSet } from './renderedSet';
import { ManifestReader } from './source/ManifestReader';
import {
  ManifestSnapshot,
  withSnapshotDirectory,
} from './source/ManifestSnapshot';
import { manifestsLocationOf } from './source/manifestsLocation';
import { SET_LABELS, stampSet } from './stampSet';
import { validateSet } from './validateSet';
import { pinToCommit } from './source/pinToCommit';

/** What a set is built for. */
export interface BuildSetRequest {
  service: Service;
  channel: ReleaseChannel;
  namespace: string;
  version: string;
  deploymentId: string;
  /**
   * Render these stored source files instead of reading the repository
   * again: a promotion deploys what it promotes.
   */
  snapshot?: string;
  /**
   * The commit the release was built from: manifests on a git host are read
   * at it, so they match the image.
   */
  commit?: string;
}

/** Stored sets are capped: a set this large is a mistake, not a service. */
export const MAX_SET_BYTES = 1024 * 1024;

/** Where the builder keeps and finds manifest sources. */
export interface ManifestSourceStore {
  saveManifestSource(source: ManifestSnapshot): Promise<void>;
  getManifestSource(hash: string): Promise<ManifestSnapshot | undefined>;
}

/**
 * Turns a service and a version into the rendered set a deployment applies,
 * from whichever source the service has: the objects generated from its
 * spec, or its own manifests (plain YAML, Kustomize, Helm) read from its
 * repository. Everything after this works on the set alone.
 */
export class SetBuilder {
  constructor(
    private readonly options: {
      /** The service's catalog entity; absent (tests, no catalog) means generated. */
      entityOf?: (entityRef: string) => Promise<Entity | undefined>;
      reader?: ManifestReader;
      sources?: ManifestSourceStore;
      tools?: RenderTools;
      resolveUrl?: (url: string, base: string) => string;
      allowedClusterScopedKinds?: string[];
    } = {},
  ) {}

  async build(request: BuildSetRequest): Promise<RenderedSet> {
    const entity = await this.options.entityOf?.(request.service.entityRef);
    const kubernetesId =
      entity?.metadata.annotations?.[SET_LABELS.kubernetesId] ??
      request.service.name;
    const location = entity
      ? manifestsLocationOf(entity, this.options.resolveUrl)
      : undefined;
    const set = location
      ? await this.fromManifests(request, location, kubernetesId)
      : this.generated(request, kubernetesId);
    const { data } = encodeSet(set);
    if (data.length > MAX_SET_BYTES) {
      throw new InputError(
        `The rendered set for ${request.channel.name} is ${Math.round(
          data.length / 1024,
        )} KiB compressed; Slipway keeps sets of at most ${
          MAX_SET_BYTES / 1024
        } KiB`,
      );
    }
    return set;
  }

  /** Today's small spec: a ServiceAccount, a Service, a Deployment and the migration Job. */
  private generated(
    request: BuildSetRequest,
    kubernetesId: string,
  ): RenderedSet {
    const { service, channel, namespace, version, deploymentId } = request;
    const objects: SetObject[] = [
      ...renderServiceObjects(
        service,
        channel,
        namespace,
        version,
        deploymentId,
      ),
    ];
    if (service.spec.migration) {
      const job = renderMigrationJob(
        service,
        channel,
        namespace,
        version,
        deploymentId,
      );
      job.metadata!.annotations = {
        ...job.metadata!.annotations,
        [PHASE_ANNOTATION]: PRE_ROLLOUT,
      };
      objects.push(job);
    }
    const validated = validateSet(
      objects.map((object, index) => ({ object, file: 'generated', index })),
      { namespace, channel: channel.name },
    );
    return {
      objects: inApplyOrder(
        stampSet(validated, {
          service: service.name,
          channel: channel.name,
          deploymentId,
          version,
          kubernetesId,
        }),
      ),
      source: { kind: 'generated' },
    };
  }

  private async fromManifests(
    request: BuildSetRequest,
    location: string,
    kubernetesId: string,
  ): Promise<RenderedSet> {
    const { service, channel, namespace, version, deploymentId } = request;
    const { reader, sources, tools } = this.options;
    if (!reader || !sources || !tools) {
      throw new InputError(
        `${service.name} deploys its own manifests (${location}), which this Slipway is not set up to read`,
      );
    }
    let snapshot: ManifestSnapshot | undefined;
    if (request.snapshot) {
      snapshot = await sources.getManifestSource(request.snapshot);
    }
    if (!snapshot) {
      const pinned = request.commit && pinToCommit(location, request.commit);
      snapshot = await reader.read(pinned || location);
      await sources.saveManifestSource(snapshot);
    }
    const files = snapshot.files;
    const rendered = await withSnapshotDirectory(files, dir =>
      renderSource(
        dir,
        { channel: channel.name, namespace, releaseName: service.name },
        tools,
      ),
    );
    const validated = validateSet(rendered.objects, {
      namespace,
      channel: channel.name,
      allowedClusterScopedKinds: this.options.allowedClusterScopedKinds,
    });
    const { objects } = injectVersion(validated, service.spec.image, version);
    return {
      objects: inApplyOrder(
        stampSet(objects, {
          service: service.name,
          channel: channel.name,
          deploymentId,
          version,
          kubernetesId,
        }),
      ),
      source: {
        kind: rendered.layout,
        url: snapshot.url,
        commit: snapshot.commit,
        snapshot: snapshot.hash,
        tool: rendered.tool
          ? `${rendered.tool.name} ${rendered.tool.version}`
          : undefined,
      },
    };
  }
}
