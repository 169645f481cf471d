import {
  evaluateHorizontalPodAutoscaler,
  evaluateIngress,
  evaluatePodDisruptionBudget,
  evaluateReportedHealth,
} from './evaluateReportedHealth';
import {
  HorizontalPodAutoscalerShape,
  IngressShape,
  ObjectCondition,
  PodDisruptionBudgetShape,
} from './kubernetesShapes';

// The three conditions the HPA controller sets, in its order.
function hpa(...conditions: ObjectCondition[]): HorizontalPodAutoscalerShape {
  return {
    metadata: { name: 'checkout' },
    status: { currentReplicas: 3, desiredReplicas: 3, conditions },
  };
}

const ableToScale: ObjectCondition = {
  type: 'AbleToScale',
  status: 'True',
  reason: 'ReadyForNewScale',
  message: 'recommended size matches current size',
};
const scalingActive: ObjectCondition = {
  type: 'ScalingActive',
  status: 'True',
  reason: 'ValidMetricFound',
  message:
    'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
};
const notLimited: ObjectCondition = {
  type: 'ScalingLimited',
  status: 'False',
  reason: 'DesiredWithinRange',
  message: 'the desired count is within the acceptable range',
};

describe('evaluateHorizontalPodAutoscaler', () => {
  it('is Healthy when able to scale, with that condition as the message', () => {
    expect(
      evaluateHorizontalPodAutoscaler(
        hpa(ableToScale, scalingActive, notLimited),
      ),
    ).toEqual({
      health: 'Healthy',
      message:
        'AbleToScale ReadyForNewScale: recommended size matches current size',
    });
  });

  it('is Healthy when held at its bounds (ScalingLimited True)', () => {
    expect(
      evaluateHorizontalPodAutoscaler(
        hpa(
          { type: 'AbleToScale', status: 'False', reason: 'BackoffBoth' },
          scalingActive,
          {
            type: 'ScalingLimited',
            status: 'True',
            reason: 'TooManyReplicas',
            message: 'the desired replica count is more than the maximum',
          },
        ),
      ),
    ).toEqual({
      health: 'Healthy',
      message:
        'ScalingLimited TooManyReplicas: the desired replica count is more than the maximum',
    });
  });

  it.each([
    ['AbleToScale', 'FailedGetScale'],
    ['AbleToScale', 'FailedUpdateScale'],
    ['ScalingActive', 'FailedGetResourceMetric'],
    ['ScalingActive', 'FailedGetContainerResourceMetric'],
    ['ScalingActive', 'FailedGetObjectMetric'],
    ['ScalingActive', 'FailedGetPodsMetric'],
    ['ScalingActive', 'FailedGetExternalMetric'],
    ['ScalingActive', 'FailedComputeMetricsReplicas'],
    ['ScalingActive', 'InvalidSelector'],
    ['ScalingActive', 'InvalidMetricSourceType'],
  ])(
    'is Degraded on %s %s, even beside a healthy condition',
    (type, reason) => {
      const failing: ObjectCondition = {
        type,
        status: 'False',
        reason,
        message: 'the HPA was unable to compute the replica count',
      };
      const others = [ableToScale, scalingActive].filter(c => c.type !== type);
      expect(evaluateHorizontalPodAutoscaler(hpa(...others, failing))).toEqual({
        health: 'Degraded',
        message: `${type} ${reason}: the HPA was unable to compute the replica count`,
      });
    },
  );

  it('names the condition and its reason when the message is absent', () => {
    expect(
      evaluateHorizontalPodAutoscaler(
        hpa({ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale' }),
      ),
    ).toEqual({ health: 'Degraded', message: 'AbleToScale FailedGetScale' });
  });

  it.each<[string, HorizontalPodAutoscalerShape]>([
    ['no status yet', { metadata: { name: 'checkout' } }],
    ['no conditions yet', hpa()],
    [
      'not able to scale for a benign reason (backing off)',
      hpa(
        { type: 'AbleToScale', status: 'False', reason: 'BackoffBoth' },
        {
          type: 'ScalingActive',
          status: 'False',
          reason: 'ScalingDisabled',
        },
      ),
    ],
    [
      'a degraded reason on a different condition type',
      hpa({
        type: 'ScalingLimited',
        status: 'False',
        reason: 'FailedGetScale',
      }),
    ],
  ])('is Progressing with %s', (_label, object) => {
    expect(evaluateHorizontalPodAutoscaler(object)).toEqual({
      health: 'Progressing',
      message: 'Waiting to autoscale',
    });
  });
});

function pdb(
  status: PodDisruptionBudgetShape['status'],
): PodDisruptionBudgetShape {
  return { metadata: { name: 'checkout' }, status };
}

const counts = {
  currentHealthy: 3,
  desiredHealthy: 2,
  disruptionsAllowed: 1,
  expectedPods: 3,
};

describe('evaluatePodDisruptionBudget', () => {
  it('is Progressing until the disruption controller writes a status', () => {
    expect(evaluatePodDisruptionBudget(pdb(undefined))).toEqual({
      health: 'Progressing',
      message: 'Waiting for the disruption controller to observe the budget',
    });
  });

  it.each<[string, PodDisruptionBudgetShape['status'], string]>([
    [
      'disruptions allowed',
      {
        ...counts,
        conditions: [
          {
            type: 'DisruptionAllowed',
            status: 'True',
            reason: 'SufficientPods',
            message: '',
          },
        ],
      },
      '3 of 2 desired healthy pods, 1 disruptions allowed',
    ],
    [
      'too few healthy pods to allow one (InsufficientPods)',
      {
        currentHealthy: 1,
        desiredHealthy: 2,
        disruptionsAllowed: 0,
        expectedPods: 3,
        conditions: [
          {
            type: 'DisruptionAllowed',
            status: 'False',
            reason: 'InsufficientPods',
            message: '',
          },
        ],
      },
      '1 of 2 desired healthy pods, 0 disruptions allowed',
    ],
    [
      'no conditions',
      counts,
      '3 of 2 desired healthy pods, 1 disruptions allowed',
    ],
    [
      'an empty status',
      {},
      '0 of 0 desired healthy pods, 0 disruptions allowed',
    ],
  ])('is Healthy with %s', (_label, status, message) => {
    expect(evaluatePodDisruptionBudget(pdb(status))).toEqual({
      health: 'Healthy',
      message,
    });
  });

  it.each<[string, ObjectCondition, string]>([
    [
      'SyncFailed',
      {
        type: 'DisruptionAllowed',
        status: 'False',
        reason: 'SyncFailed',
        message: 'found no controllers for pod "checkout-0"',
      },
      'DisruptionAllowed SyncFailed: found no controllers for pod "checkout-0"',
    ],
    [
      'a False condition without a reason',
      { type: 'DisruptionAllowed', status: 'False' },
      'DisruptionAllowed False',
    ],
  ])('is Degraded on %s', (_label, condition, message) => {
    expect(
      evaluatePodDisruptionBudget(
        pdb({ ...counts, disruptionsAllowed: 0, conditions: [condition] }),
      ),
    ).toEqual({ health: 'Degraded', message });
  });
});

const ingress = (
  entries?: { ip?: string; hostname?: string }[],
): IngressShape => ({
  metadata: { name: 'checkout' },
  status: { loadBalancer: entries ? { ingress: entries } : {} },
});

describe('evaluateIngress', () => {
  it.each<[string, IngressShape, string]>([
    [
      'an IP',
      ingress([{ ip: '203.0.113.10' }]),
      'Load balancer address: 203.0.113.10',
    ],
    [
      'a hostname',
      ingress([{ hostname: 'k8s-checkout-1a2b3c.elb.amazonaws.com' }]),
      'Load balancer address: k8s-checkout-1a2b3c.elb.amazonaws.com',
    ],
    [
      'several addresses',
      ingress([{ ip: '203.0.113.10' }, { ip: '2001:db8::10' }]),
      'Load balancer address: 203.0.113.10, 2001:db8::10',
    ],
    [
      'an entry without an address',
      ingress([{}]),
      'Load balancer address assigned',
    ],
  ])('is Healthy with %s', (_label, object, message) => {
    expect(evaluateIngress(object)).toEqual({ health: 'Healthy', message });
  });

  it.each<[string, IngressShape]>([
    ['no status', { metadata: { name: 'checkout' } }],
    ['no load balancer entries', ingress()],
    ['an empty entry list', ingress([])],
  ])('is Progressing with %s', (_label, object) => {
    expect(evaluateIngress(object)).toEqual({
      health: 'Progressing',
      message: 'Waiting for a load balancer address',
    });
  });
});

describe('evaluateReportedHealth', () => {
  it('dispatches on kind', () => {
    expect(
      evaluateReportedHealth({
        kind: 'HorizontalPodAutoscaler',
        ...hpa(ableToScale),
      }),
    ).toMatchObject({ health: 'Healthy' });
    expect(
      evaluateReportedHealth({
        kind: 'PodDisruptionBudget',
        ...pdb(undefined),
      }),
    ).toMatchObject({ health: 'Progressing' });
    expect(
      evaluateReportedHealth({
        kind: 'Ingress',
        ...ingress([{ ip: '203.0.113.10' }]),
      }),
    ).toMatchObject({ health: 'Healthy' });
  });

  it.each([['Service'], [undefined]])('is undefined for kind %s', kind => {
    expect(evaluateReportedHealth({ kind, ...ingress() })).toBeUndefined();
  });
});
