import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { FailureEvidence } from '@slipway/plugin-deploy-common';
import { FailureEvidencePanel } from './FailureEvidencePanel';

jest.mock('react-virtualized-auto-sizer', () => ({
  __esModule: true,
  default: (props: {
    children: (size: { width: number; height: number }) => any;
  }) => props.children({ width: 800, height: 300 }),
}));

const evidence: FailureEvidence = {
  kind: 'migration',
  capturedAt: '2026-11-20T10:01:00.000Z',
  pods: [
    {
      name: 'checkout-migrate-1-abcde',
      containers: [
        {
          name: 'migrate',
          image: 'registry.example.com/checkout:1.3.0',
          ready: false,
          restartCount: 0,
          state: 'terminated',
          reason: 'Error',
          exitCode: 1,
          logs: 'ERROR: column "total" does not exist',
        },
      ],
    },
  ],
  events: [
    {
      type: 'Warning',
      reason: 'BackoffLimitExceeded',
      object: 'Job/checkout-migrate-1',
      message: 'Job has reached the specified backoff limit',
    },
  ],
};

describe('FailureEvidencePanel', () => {
  it('shows the failed migration container, its logs and the events', async () => {
    await renderInTestApp(<FailureEvidencePanel evidence={evidence} />);
    expect(screen.getByText(/Migration failure, captured/)).toBeInTheDocument();
    expect(
      screen.getByText('Error · exit code 1 · 0 restarts'),
    ).toBeInTheDocument();
    expect(screen.getByText('Migration logs')).toBeInTheDocument();
    expect(
      screen.getByText(/column "total" does not exist/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Job has reached the specified backoff limit'),
    ).toBeInTheDocument();
  });
});
