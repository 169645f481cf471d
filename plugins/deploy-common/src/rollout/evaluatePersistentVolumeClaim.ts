import { PersistentVolumeClaimShape } from './kubernetesShapes';

/**
 * The judgement of a PersistentVolumeClaim at one moment.
 *
 * @public
 */
export interface PersistentVolumeClaimVerdict {
  state: 'complete' | 'progressing' | 'failed';
  message: string;
}

/**
 * Judges a PersistentVolumeClaim by its phase: Bound is complete, Lost (its
 * volume is gone) has failed, and Pending, or a phase not yet set, is still
 * progressing.
 *
 * A claim whose storage class binds with `WaitForFirstConsumer` stays Pending
 * until a pod that mounts it is scheduled, so the caller must not wait for
 * such a claim before it applies the workload that uses it.
 *
 * @public
 */
export function evaluatePersistentVolumeClaim(
  pvc: PersistentVolumeClaimShape,
): PersistentVolumeClaimVerdict {
  const name = pvc.metadata?.name ?? 'persistentvolumeclaim';
  const volume = pvc.spec?.volumeName;
  const phase = pvc.status?.phase;
  switch (phase) {
    case 'Bound':
      return {
        state: 'complete',
        message: volume
          ? `${name} is bound to volume ${volume}`
          : `${name} is bound`,
      };
    case 'Lost':
      return {
        state: 'failed',
        message: `${name} lost its volume${
          volume ? ` ${volume}` : ''
        }: the PersistentVolume no longer exists`,
      };
    case 'Pending':
      return {
        state: 'progressing',
        message: `Waiting for ${name} to be bound`,
      };
    case undefined:
    case '':
      return {
        state: 'progressing',
        message: `Waiting for ${name} to report its phase`,
      };
    default:
      return {
        state: 'progressing',
        message: `Waiting for ${name} to be bound (phase ${phase})`,
      };
  }
}
