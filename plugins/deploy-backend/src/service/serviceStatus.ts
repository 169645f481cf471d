import { ChannelStatus, Service } from '@slipway/plugin-deploy-common';
import { DeploymentStore } from '../database/DeploymentStore';
import { RolloutWatcher } from '../kubernetes/RolloutWatcher';
import { resolveNamespace } from '../kubernetes/serviceObjects/resolveNamespace';
import { workloadsOf } from '../manifests/kinds';
import { DeployService } from './DeployService';
import { withEngineJudgement } from './engineJudgement';

/** The workloads of the set a channel runs, for its live status. */
export async function workloadsRunning(
  deployService: DeployService,
  service: string,
  channel: string,
) {
  const running = await deployService.runningSet(service, channel);
  return (
    running && {
      version: running.deployment.version,
      workloads: workloadsOf(running.set.objects),
    }
  );
}

/**
 * A service's live state in every channel, from the shared watch, with the
 * engine's judgement while a rollout is judged. An unreadable cluster comes
 * back as a status with `error` set, so one bad cluster does not fail the
 * rest. The status route and the `deploy:status` action both answer with it.
 */
export async function readServiceStatus(
  deps: {
    deployService: DeployService;
    store: DeploymentStore;
    watcher: RolloutWatcher;
  },
  service: Service,
): Promise<ChannelStatus[]> {
  const { deployService, store, watcher } = deps;
  return Promise.all(
    deployService.listChannels().map(async channel => {
      const namespace = resolveNamespace(channel.namespacePattern, {
        service: service.name,
        channel: channel.name,
      });
      const [status, active] = await Promise.all([
        (async () =>
          watcher.getChannelStatus(
            channel.cluster,
            namespace,
            service.name,
            channel.name,
            await workloadsRunning(deployService, service.name, channel.name),
          ))(),
        store.getActiveDeployment(service.name, channel.name),
      ]);
      return withEngineJudgement(status, active);
    }),
  );
}
