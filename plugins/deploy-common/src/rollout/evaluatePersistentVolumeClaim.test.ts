import { evaluatePersistentVolumeClaim } from './evaluatePersistentVolumeClaim';
import { PersistentVolumeClaimShape } from './kubernetesShapes';

const claim = (
  phase: string | undefined,
  volumeName: string | null = 'pvc-3f1c2a9e-8d4b-4e2f-9a61-0c7d5b2e4f10',
): PersistentVolumeClaimShape => ({
  metadata: { name: 'data-ledger-db-0' },
  spec: { storageClassName: 'standard', volumeName: volumeName ?? undefined },
  status: phase === undefined ? {} : { phase },
});

describe('evaluatePersistentVolumeClaim', () => {
  it.each<[string, PersistentVolumeClaimShape, string, string]>([
    [
      'Bound',
      claim('Bound'),
      'complete',
      'data-ledger-db-0 is bound to volume pvc-3f1c2a9e-8d4b-4e2f-9a61-0c7d5b2e4f10',
    ],
    [
      'Bound without a volume name',
      claim('Bound', null),
      'complete',
      'data-ledger-db-0 is bound',
    ],
    [
      'Pending',
      claim('Pending', null),
      'progressing',
      'Waiting for data-ledger-db-0 to be bound',
    ],
    [
      'Lost',
      claim('Lost'),
      'failed',
      'data-ledger-db-0 lost its volume pvc-3f1c2a9e-8d4b-4e2f-9a61-0c7d5b2e4f10: the PersistentVolume no longer exists',
    ],
    [
      'Lost without a volume name',
      claim('Lost', null),
      'failed',
      'data-ledger-db-0 lost its volume: the PersistentVolume no longer exists',
    ],
    [
      'no phase yet',
      claim(undefined, null),
      'progressing',
      'Waiting for data-ledger-db-0 to report its phase',
    ],
    [
      'an unknown phase',
      claim('Resizing'),
      'progressing',
      'Waiting for data-ledger-db-0 to be bound (phase Resizing)',
    ],
    [
      'no status at all',
      { metadata: { name: 'data-ledger-db-0' } },
      'progressing',
      'Waiting for data-ledger-db-0 to report its phase',
    ],
  ])('judges %s', (_label, pvc, state, message) => {
    expect(evaluatePersistentVolumeClaim(pvc)).toEqual({ state, message });
  });
});
