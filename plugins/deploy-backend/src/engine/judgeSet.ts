import type { V1Pod } from '@kubernetes/client-node';
import {
  RolloutVerdict,
  evaluateDaemonSet,
  evaluateJob,
  evaluatePersistentVolumeClaim,
  evaluateRollout,
  evaluateStatefulSet,
  newPodsOf,
} from '@slipway/plugin-deploy-common';
import { ClusterClient } from '../kubernetes/ClusterClient';
import { DEPLOYMENT_ID_ANNOTATION } from '../kubernetes/serviceObjects/slipwayLabels';
import { selectorQuery } from '../kubernetes/labelSelectors';
import { isMigrationJob } from '../manifests/kinds';
import { podSpecOf } from '../manifests/injectVersion';
import { SetObject, describeObject } from '../manifests/renderedSet';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** The judgement of one object of the set that gates the rollout. */
export interface ObjectVerdict extends RolloutVerdict {
  kind: string;
  name: string;
  /** Selects the object's pods, for crash evidence. */
  podSelector?: string;
  /** A Deployment's newest ReplicaSet, whose pods are the new revision. */
  podTemplateHash?: string;
  /** Paused (spec.paused): it will not progress until someone resumes it. */
  paused?: boolean;
}

/** The judgement of a whole set: failed if one object failed, complete when all are. */
export interface SetVerdict extends RolloutVerdict {
  objects: ObjectVerdict[];
  /** The object that failed it, when one did. */
  failed?: ObjectVerdict;
}

/** Workloads whose pod template Slipway applied, and must still be what runs. */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Kinds whose state gates a rollout; everything else is done once applied. */
const GATING_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'PersistentVolumeClaim',
]);

export function isGating(object: SetObject): boolean {
  return GATING_KINDS.has(object.kind ?? '') && !isMigrationJob(object);
}

/** The images of a pod template's containers, in order, for comparing what runs with what was applied. */
function imagesOf(workload: SetObject): Map<string, string> {
  const containers: Array<{ name?: string; image?: string }> =
    podSpecOf(workload)?.containers ?? [];
  return new Map(containers.map(c => [c.name ?? '', c.image ?? '']));
}

/**
 * A container Slipway applied that now runs another image. An admission
 * webhook pinning a tag to its digest (`image@sha256:…`) is not a change.
 */
function changedImage(object: SetObject, live: SetObject): string | undefined {
  const running = imagesOf(live);
  for (const [name, image] of imagesOf(object)) {
    const now = running.get(name);
    if (now !== image && !now?.startsWith(`${image}@`)) {
      return `container ${name} now runs ${now ?? 'nothing'}, not ${image}`;
    }
  }
  return undefined;
}

/**
 * Whether a workload still runs what this set applied: someone else's
 * change since (`kubectl rollout undo`, a GitOps tool applying its own
 * manifest) replaces the deployment id Slipway stamped, or an image.
 */
function changedByOthers(
  object: SetObject,
  live: SetObject,
): string | undefined {
  const applied = object.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION];
  const now = live.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION];
  if (applied && now !== applied) {
    return `it now carries ${
      now ? `deployment ${now}` : 'no Slipway deployment'
    }, not ${applied}`;
  }
  return changedImage(object, live);
}

async function judgeObject(
  client: ClusterClient,
  object: SetObject,
  crashLoopRestartThreshold?: number,
  appliedAt?: string,
): Promise<ObjectVerdict> {
  const kind = object.kind!;
  const name = object.metadata!.name!;
  const namespace = object.metadata!.namespace!;
  const base = { kind, name };
  const live = await client.getObject({
    apiVersion: object.apiVersion!,
    kind,
    namespace,
    name,
  });
  if (!live) {
    return {
      ...base,
      state: 'failed',
      reason: 'Missing',
      message: `${describeObject(object)} is missing from ${namespace}`,
    };
  }
  const changed = WORKLOAD_KINDS.has(kind) && changedByOthers(object, live);
  if (changed) {
    return {
      ...base,
      state: 'failed',
      reason: 'ChangedByOthers',
      message: `${kind} ${name} was changed by someone else after Slipway applied it: ${changed}. This deployment's revision is not what runs.`,
    };
  }
  const podSelector = selectorQuery(live.spec?.selector);
  const options = { crashLoopRestartThreshold };
  switch (kind) {
    case 'Deployment': {
      const revision = live.metadata?.annotations?.[REVISION_ANNOTATION];
      const replicaSets = podSelector
        ? await client.listReplicaSets(namespace, podSelector)
        : [];
      const newest = replicaSets.find(
        rs =>
          revision !== undefined &&
          rs.metadata?.annotations?.[REVISION_ANNOTATION] === revision &&
          rs.metadata?.ownerReferences?.some(o => o.uid === live.metadata?.uid),
      );
      // The controller copies the Deployment's annotations to its newest
      // ReplicaSet: until it carries this set's deployment id, the revision
      // judged may be an earlier one.
      const appliedId =
        object.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION];
      if (
        appliedId &&
        newest &&
        newest.metadata?.annotations?.[DEPLOYMENT_ID_ANNOTATION] !== appliedId
      ) {
        return {
          ...base,
          podSelector,
          state: 'progressing',
          message: `Waiting for ${name}'s new ReplicaSet to take this deployment's revision`,
        };
      }
      const podTemplateHash = newest?.metadata?.labels?.['pod-template-hash'];
      const pods =
        podTemplateHash && podSelector
          ? await client.listPods(
              namespace,
              `${podSelector},pod-template-hash=${podTemplateHash}`,
            )
          : [];
      return {
        ...base,
        podSelector,
        podTemplateHash,
        paused: live.spec?.paused === true,
        ...evaluateRollout(live, { ...options, pods, appliedAt }),
      };
    }
    case 'StatefulSet':
    case 'DaemonSet': {
      const all: V1Pod[] = podSelector
        ? await client.listPods(namespace, podSelector)
        : [];
      const verdict =
        kind === 'StatefulSet'
          ? evaluateStatefulSet(live, {
              ...options,
              pods: newPodsOf('StatefulSet', live, all),
            })
          : evaluateDaemonSet(live, {
              ...options,
              pods: newPodsOf('DaemonSet', live, all),
            });
      return { ...base, podSelector, ...verdict };
    }
    case 'Job': {
      const jobPods = await client.listPods(namespace, `job-name=${name}`);
      const verdict = evaluateJob(live, jobPods);
      return {
        ...base,
        podSelector: `job-name=${name}`,
        state:
          ({ running: 'progressing', succeeded: 'complete' } as const)[
            verdict.state as 'running' | 'succeeded'
          ] ?? 'failed',
        message: `Job ${name}: ${verdict.message}`,
      };
    }
    case 'PersistentVolumeClaim': {
      const verdict = evaluatePersistentVolumeClaim(live);
      return {
        ...base,
        ...verdict,
        message: `PersistentVolumeClaim ${name}: ${verdict.message}`,
      };
    }
    default:
      return { ...base, state: 'complete', message: `${kind} ${name} applied` };
  }
}

/**
 * Judges every gating object of a set as it is in the cluster now: each
 * workload by `kubectl rollout status`'s rules for its kind (pods of its new
 * revision can fail it early), Jobs by their conditions, claims by being
 * bound. Kinds without a progress deadline of their own (StatefulSets,
 * DaemonSets, Jobs, claims) fail when `deadline` has passed and they are
 * still progressing.
 */
export async function judgeSet(
  client: ClusterClient,
  objects: SetObject[],
  options: {
    crashLoopRestartThreshold?: number;
    /** When the set was applied and how long it may take. */
    deadline?: { since: string; seconds: number };
    now?: Date;
  } = {},
): Promise<SetVerdict> {
  const verdicts = await Promise.all(
    objects
      .filter(isGating)
      .map(object =>
        judgeObject(
          client,
          object,
          options.crashLoopRestartThreshold,
          options.deadline?.since,
        ),
      ),
  );
  const { deadline } = options;
  const overdue =
    deadline &&
    (options.now ?? new Date()).getTime() - Date.parse(deadline.since) >
      deadline.seconds * 1000;
  // A Deployment has its own progress deadline, except while paused, when
  // nothing progresses until someone resumes it.
  const judged = verdicts.map(v =>
    overdue &&
    v.state === 'progressing' &&
    (v.kind !== 'Deployment' || v.paused)
      ? {
          ...v,
          state: 'failed' as const,
          reason: v.paused ? 'DeploymentPaused' : 'ProgressDeadlineExceeded',
          message: v.paused
            ? `Deployment ${v.name} is paused and did not progress within the ${deadline.seconds}s progress deadline; resume it (kubectl rollout resume) before deploying`
            : `${v.kind} ${v.name} did not finish within the ${deadline.seconds}s progress deadline: ${v.message}`,
        }
      : v,
  );
  const failed = judged.find(v => v.state === 'failed');
  if (failed) {
    return {
      state: 'failed',
      reason: failed.reason,
      failingPod: failed.failingPod,
      message: failed.message,
      objects: judged,
      failed,
    };
  }
  const waiting = judged.filter(v => v.state === 'progressing');
  if (waiting.length > 0) {
    return {
      state: 'progressing',
      message:
        judged.length > 1
          ? `${judged.length - waiting.length} of ${judged.length} ready; ${
              waiting[0].kind
            } ${waiting[0].name}: ${waiting[0].message}`
          : waiting[0].message,
      objects: judged,
    };
  }
  return {
    state: 'complete',
    message:
      judged.length === 1
        ? judged[0].message
        : `All ${judged.length} workloads and claims are ready`,
    objects: judged,
  };
}
