import { ConfigReader } from '@backstage/config';
import { readChannels } from './readChannels';

const read = (channels: unknown) =>
  readChannels(new ConfigReader({ deploy: { channels } } as any));

describe('readChannels', () => {
  it('reads channels in order, with defaults for what is not set', () => {
    const channels = read([
      { name: 'dev', cluster: 'local' },
      {
        name: 'prod',
        cluster: 'main',
        namespace: '{service}-{channel}',
        approval: { required: true },
        soakSeconds: 600,
        autoRollback: false,
        progressDeadlineSeconds: 120,
        deployWindow: { days: ['mon', 'Tue'], start: '09:00', end: '17:30' },
        autoPromote: true,
        releasesOnly: true,
        behindAlertMinutes: 60,
      },
    ]);
    expect(channels).toEqual([
      {
        name: 'dev',
        order: 0,
        cluster: 'local',
        namespacePattern: 'slipway-{channel}',
        policy: {
          approvalRequired: false,
          approverMustDiffer: true,
          soakSeconds: 0,
          soakUnavailableSeconds: 60,
          autoRollback: true,
          progressDeadlineSeconds: 300,
          deployWindow: undefined,
          autoDeploy: false,
          autoPromote: false,
          releasesOnly: false,
          behindAlertMinutes: undefined,
        },
      },
      {
        name: 'prod',
        order: 1,
        cluster: 'main',
        namespacePattern: '{service}-{channel}',
        policy: {
          approvalRequired: true,
          approverMustDiffer: true,
          soakSeconds: 600,
          soakUnavailableSeconds: 60,
          autoRollback: false,
          progressDeadlineSeconds: 120,
          deployWindow: { days: [1, 2], start: '09:00', end: '17:30' },
          autoDeploy: false,
          autoPromote: true,
          releasesOnly: true,
          behindAlertMinutes: 60,
        },
      },
    ]);
  });

  it.each([
    [undefined, 'deploy.channels: no release channels are configured'],
    [
      [{ name: 'Prod', cluster: 'x' }],
      'deploy.channels[0].name: "Prod" must contain only lowercase',
    ],
    [
      [
        { name: 'dev', cluster: 'x' },
        { name: 'dev', cluster: 'y' },
      ],
      'deploy.channels[1].name: "dev" is used by an earlier channel',
    ],
    [
      [
        { name: 'dev', cluster: 'x', namespace: 'apps-{service}' },
        { name: 'staging', cluster: 'y', namespace: 'apps-{service}' },
        { name: 'prod', cluster: 'x', namespace: 'apps-{service}' },
      ],
      'deploy.channels[2].namespace: channels "dev" and "prod" resolve to the same namespace in cluster x',
    ],
    [
      [{ name: 'dev', cluster: 'x', namespace: 'team-{team}' }],
      'deploy.channels[0].namespace: unknown placeholder {team}',
    ],
    [
      [
        { name: 'dev', cluster: 'x' },
        { name: 'prod', cluster: 'x', autoDeploy: true },
      ],
      'deploy.channels[1].autoDeploy: only the first channel may take new releases on its own',
    ],
    [
      [{ name: 'dev', cluster: 'x', autoPromote: true }],
      'deploy.channels[0].autoPromote: "dev" is the first channel, there is nothing to promote from',
    ],
    [
      [
        { name: 'dev', cluster: 'x' },
        { name: 'prod', cluster: 'x', behindAlertMinutes: 0.5 },
      ],
      'deploy.channels[1].behindAlertMinutes: must be a whole number of minutes, at least 1',
    ],
    [
      [{ name: 'dev', cluster: 'x', progressDeadlineSeconds: 0 }],
      'deploy.channels[0].progressDeadlineSeconds: must be a whole number',
    ],
    [
      [{ name: 'dev', cluster: 'x', soakSeconds: -5 }],
      'deploy.channels[0].soakSeconds: must be a whole number',
    ],
    [
      [
        {
          name: 'dev',
          cluster: 'x',
          deployWindow: { days: ['funday'], start: '09:00', end: '10:00' },
        },
      ],
      'deploy.channels[0].deployWindow.days[0]: "funday" is not a day',
    ],
    [
      [
        {
          name: 'dev',
          cluster: 'x',
          deployWindow: { days: ['mon'], start: '9am', end: '10:00' },
        },
      ],
      'deploy.channels[0].deployWindow.start: "9am" is not a time',
    ],
  ])('rejects %j naming the key', (channels, message) => {
    expect(() => read(channels)).toThrow(message);
  });

  it('names the key when a required field is missing', () => {
    expect(() => read([{ name: 'dev' }])).toThrow(
      /deploy\.channels\[0\]\.cluster/,
    );
  });
});
