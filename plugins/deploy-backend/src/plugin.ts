import os from 'node:os';
import path from 'node:path';
import { ScmIntegrations } from '@backstage/integration';
import { randomUUID } from 'node:crypto';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  Deployment,
  deployOverridePermission,
  deployPermissions,
} from '@slipway/plugin-deploy-common';
import { catalogOwnerOf } from './catalog/catalogOwnerOf';
import { serviceToRegister } from './catalog/serviceToRegister';
import { syncServiceOwners } from './catalog/syncServiceOwners';
import { DeployConfigError, readChannels } from './config/readChannels';
import { readWorkerSettings } from './config/readWorkerSettings';
import { readManifestsConfig } from './config/readManifestsConfig';
import { SetBuilder } from './manifests/SetBuilder';
import { ManifestReader } from './manifests/source/ManifestReader';
import { DatabaseDeploymentStore } from './database/DatabaseDeploymentStore';
import { DeploymentAnnouncer } from './engine/DeploymentAnnouncer';
import { publishDeploySignal } from './engine/publishDeploySignal';
import { DeploymentRunner } from './engine/DeploymentRunner';
import { DeploymentWorker } from './engine/DeploymentWorker';
import { noteMissingEventsBackend } from './engine/noteMissingEventsBackend';
import { ClusterClient } from './kubernetes/ClusterClient';
import { KubernetesClusterClient } from './kubernetes/KubernetesClusterClient';
import { RolloutWatcher } from './kubernetes/RolloutWatcher';
import {
  readClusterConfigs,
  readKubernetesTimeouts,
} from './kubernetes/clusterConfig';
import {
  deployServiceResourceRef,
  deployServiceRules,
  deployTargetResourceRef,
  deployTargetRules,
  parseDeployTargetRef,
} from './permissions';
import { DeployAuthorizer } from './permissions/DeployAuthorizer';
import { createRouter } from './router';
import { registerDeployActions } from './actions/registerDeployActions';
import { DeployService } from './service/DeployService';
import { DeliveryController } from './delivery/DeliveryController';
import { readDeliverySettings } from './config/readDeliverySettings';

/**
 * The deploy backend plugin: reads its config, then wires core services to
 * the store, the clusters, the worker and the routes.
 *
 * @public
 */
export const deployPlugin = createBackendPlugin({
  pluginId: 'deploy',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        database: coreServices.database,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        urlReader: coreServices.urlReader,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
        instanceMetadata: coreServices.rootInstanceMetadata,
      },
      async init(deps) {
        const { config, logger, lifecycle, httpRouter, database } = deps;

        await noteMissingEventsBackend({
          config,
          instanceMetadata: deps.instanceMetadata,
          logger,
        });
        const channels = readChannels(config);
        const deliverySettings = readDeliverySettings(config);
        const kubeConfigs = readClusterConfigs(config);
        const kubernetesTimeouts = readKubernetesTimeouts(config);
        channels.forEach((channel, i) => {
          if (!kubeConfigs.has(channel.cluster)) {
            throw new DeployConfigError(
              `deploy.channels[${i}].cluster`,
              `cluster "${
                channel.cluster
              }" is not configured; configured clusters: ${
                [...kubeConfigs.keys()].join(', ') || 'none'
              } (kubernetes.clusterLocatorMethods or deploy.clusters)`,
            );
          }
        });
        const clients = new Map<string, ClusterClient>(
          [...kubeConfigs].map(([name, kubeConfig]) => [
            name,
            KubernetesClusterClient.create(kubeConfig, {
              clusterName: name,
              ...kubernetesTimeouts,
            }),
          ]),
        );
        const clusterFor = (name: string) => clients.get(name)!;

        const store = await DatabaseDeploymentStore.create({ database });
        const watcher = RolloutWatcher.create({
          clusters: kubeConfigs,
          logger,
          requestTimeoutMs: kubernetesTimeouts.requestTimeoutMs,
        });

        // Resource permissions are decided by DeployAuthorizer on the
        // resources as Slipway has them; getResources serves the framework's
        // own checks by ref (e.g. a policy tested through the permission API,
        // or the Deploy tab asking whether the user may set up a service
        // that is not registered yet: then as its catalog entity makes it).
        deps.permissionsRegistry.addResourceType({
          resourceRef: deployServiceResourceRef,
          permissions: deployPermissions.filter(
            p =>
              'resourceType' in p &&
              p.resourceType === deployServiceResourceRef.resourceType,
          ),
          rules: Object.values(deployServiceRules),
          getResources: async refs =>
            Promise.all(
              refs.map(
                async ref =>
                  (await store.getService(ref)) ??
                  serviceToRegister(
                    deps.catalog,
                    ref,
                    await deps.auth.getOwnServiceCredentials(),
                  ),
              ),
            ),
        });
        deps.permissionsRegistry.addResourceType({
          resourceRef: deployTargetResourceRef,
          permissions: deployPermissions.filter(
            p =>
              'resourceType' in p &&
              p.resourceType === deployTargetResourceRef.resourceType,
          ),
          rules: Object.values(deployTargetRules),
          getResources: async refs =>
            Promise.all(
              refs.map(async ref => {
                const target = parseDeployTargetRef(ref);
                const service =
                  target && (await store.getService(target.service));
                return service && target
                  ? {
                      service: service.name,
                      channel: target.channel,
                      ownerRef: service.ownerRef,
                    }
                  : undefined;
              }),
            ),
        });
        deps.permissionsRegistry.addPermissions([deployOverridePermission]);
        const authorizer = new DeployAuthorizer(
          deps.permissions,
          deps.auth,
          deps.permissionsRegistry,
        );

        const announcer = new DeploymentAnnouncer(
          deps.signals,
          deps.notifications,
          logger,
        );
        // Every change is announced, and an ended deployment lets the
        // channels' delivery rules take their next step.
        // The delivery rules need the DeployService, which needs the listener.
        const rules: { delivery?: DeliveryController } = {};
        const listener = {
          async onChange(deployment: Deployment) {
            await announcer.onChange(deployment);
            await rules.delivery?.onChange(deployment);
          },
        };
        const runner = new DeploymentRunner({
          store,
          channels,
          clusterFor,
          logger,
          listener,
          watchNamespace: (cluster, namespace) =>
            watcher.watch(cluster, namespace),
        });
        const worker = new DeploymentWorker({
          store,
          runner,
          logger,
          workerId: `${os.hostname()}-${process.pid}-${randomUUID().slice(
            0,
            8,
          )}`,
          pollIntervalMs: config.getOptionalNumber(
            'deploy.worker.pollIntervalMs',
          ),
          settings: readWorkerSettings(config),
        });
        // Live state changes reach open Deploy tabs as signals, not polling,
        // and wake a deployment waiting on that rollout.
        watcher.subscribe(change => {
          worker.wakeFor(change.serviceName, change.channel);
          publishDeploySignal(deps.signals, change.serviceName, {
            type: 'status-changed',
            channel: change.channel,
          }).catch(error =>
            logger.warn(`Could not publish a status signal: ${error}`),
          );
        });

        lifecycle.addStartupHook(() => worker.start());
        const manifests = readManifestsConfig(config);
        const integrations = ScmIntegrations.fromConfig(config);
        const localDirectory = config.getOptionalString(
          'deploy.localPublish.directory',
        );
        const sets = new SetBuilder({
          entityOf: async entityRef =>
            deps.catalog.getEntityByRef(entityRef, {
              credentials: await deps.auth.getOwnServiceCredentials(),
            }),
          reader: new ManifestReader({
            urlReader: deps.urlReader,
            localDirectory: localDirectory && path.resolve(localDirectory),
          }),
          sources: store,
          tools: manifests,
          resolveUrl: (url, base) => integrations.resolveUrl({ url, base }),
          allowedClusterScopedKinds: manifests.allowedClusterScopedKinds,
        });
        const deployService = new DeployService(
          store,
          channels,
          undefined,
          () => worker.wakeForNewWork(),
          sets,
          {
            listener,
            stopMigration: deployment => runner.deleteMigrationJobs(deployment),
            keepReleases: deliverySettings.keepReleases,
            onReleasePublished: release => {
              publishDeploySignal(deps.signals, release.service, {
                type: 'release-published',
                version: release.version,
              }).catch(error =>
                logger.warn(`Could not publish a release signal: ${error}`),
              );
              rules.delivery?.poke(release.service);
            },
          },
        );
        const deliveryController = new DeliveryController({
          store,
          channels,
          deployService,
          notifications: deps.notifications,
          auditor: deps.auditor,
          logger,
        });
        rules.delivery = deliveryController;
        // The rules also run on a timer, so a release or an ended deployment
        // that a crashed replica had not acted on yet is still delivered.
        await deps.scheduler.scheduleTask({
          id: 'deploy-delivery-sweep',
          frequency: { seconds: deliverySettings.sweepSeconds },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 5 },
          fn: async () => {
            await deliveryController.sweep();
          },
        });

        // Team history follows a service when its catalog owner changes.
        await deps.scheduler.scheduleTask({
          id: 'deploy-sync-service-owners',
          frequency: { minutes: 5 },
          timeout: { minutes: 2 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            await syncServiceOwners({
              store,
              catalog: deps.catalog,
              auth: deps.auth,
              logger,
            });
          },
        });
        lifecycle.addShutdownHook(async () => {
          await worker.stop();
          await watcher.stop();
        });

        httpRouter.use(
          await createRouter({
            knex: await database.getClient(),
            store,
            deployService,
            watcher,
            clusterFor,
            httpAuth: deps.httpAuth,
            authorizer,
            auditor: deps.auditor,
            // Slipway reads the entity itself: the caller's token may not
            // reach the catalog (an external access token limited to deploy).
            entityOwnerOf: async (entityRef, service) =>
              catalogOwnerOf(
                deps.catalog,
                entityRef,
                await deps.auth.getOwnServiceCredentials(),
                service,
              ),
            logger,
            validateResponses: config.getOptionalBoolean(
              'deploy.api.validateResponses',
            ),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // The same operations for CI and AI agents, as deploy:<name> actions.
        registerDeployActions(deps.actionsRegistry, {
          deployService,
          store,
          watcher,
          authorizer,
          auditor: deps.auditor,
        });
      },
    });
  },
});
