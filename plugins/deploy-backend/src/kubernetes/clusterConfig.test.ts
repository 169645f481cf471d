import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { readClusterConfigs, readKubernetesTimeouts } from './clusterConfig';

const productionCluster = {
  name: 'production',
  url: 'https://kubernetes.example.com',
  authProvider: 'serviceAccount',
  serviceAccountToken: 'token-123',
  caData: 'Y2EtZGF0YQ==',
};

function kubernetesBlock(...clusters: object[]) {
  return {
    kubernetes: {
      clusterLocatorMethods: [
        { type: 'catalog' },
        { type: 'config', clusters },
      ],
    },
  };
}

const KUBECONFIG_YAML = `
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: { server: 'https://127.0.0.1:18443', insecure-skip-tls-verify: true }
- name: other
  cluster: { server: 'https://10.0.0.1:6443' }
users:
- name: deployer
  user: { token: local-token }
contexts:
- name: local
  context: { cluster: local, user: deployer }
- name: other
  context: { cluster: other, user: deployer }
current-context: local
`;

describe('readClusterConfigs', () => {
  let kubeconfigPath: string;

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-kubeconfig-'));
    kubeconfigPath = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfigPath, KUBECONFIG_YAML);
  });

  afterAll(() => {
    fs.rmSync(path.dirname(kubeconfigPath), { recursive: true, force: true });
  });

  it('reads service-account clusters in the Kubernetes plugin shape', () => {
    const clusters = readClusterConfigs(
      new ConfigReader(kubernetesBlock(productionCluster)),
    );

    expect([...clusters.keys()]).toEqual(['production']);
    const kubeConfig = clusters.get('production')!;
    expect(kubeConfig.getCurrentCluster()).toMatchObject({
      server: 'https://kubernetes.example.com',
      caData: 'Y2EtZGF0YQ==',
      skipTLSVerify: false,
    });
    expect(kubeConfig.getCurrentUser()?.token).toBe('token-123');
  });

  it('reads kubeconfig files from deploy.clusters, with an optional context', () => {
    const clusters = readClusterConfigs(
      new ConfigReader({
        deploy: {
          clusters: [
            { name: 'local', kubeconfigPath },
            { name: 'other', kubeconfigPath, context: 'other' },
          ],
        },
      }),
    );

    expect(clusters.get('local')!.getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:18443',
    );
    expect(clusters.get('other')!.getCurrentCluster()?.server).toBe(
      'https://10.0.0.1:6443',
    );
  });

  it('lets deploy.clusters stand in for a cluster with another auth provider', () => {
    const clusters = readClusterConfigs(
      new ConfigReader({
        ...kubernetesBlock({
          name: 'local',
          url: 'https://gke.example.com',
          authProvider: 'google',
        }),
        deploy: { clusters: [{ name: 'local', kubeconfigPath }] },
      }),
    );

    expect(clusters.get('local')!.getCurrentUser()?.token).toBe('local-token');
  });

  it('returns no clusters when none are configured', () => {
    expect(readClusterConfigs(new ConfigReader({})).size).toBe(0);
  });

  it.each([
    [
      { ...productionCluster, authProvider: 'google' },
      'kubernetes.clusterLocatorMethods[1].clusters[0].authProvider: "google" is not supported',
    ],
    [
      { ...productionCluster, serviceAccountToken: undefined },
      'kubernetes.clusterLocatorMethods[1].clusters[0].serviceAccountToken: is missing',
    ],
    [
      { ...productionCluster, url: 'kubernetes.example.com' },
      'kubernetes.clusterLocatorMethods[1].clusters[0].url: "kubernetes.example.com" is not',
    ],
    [
      { ...productionCluster, caFile: '/nonexistent/ca.crt' },
      'kubernetes.clusterLocatorMethods[1].clusters[0].caFile: no file at "/nonexistent/ca.crt"',
    ],
  ])('names the key of a bad cluster entry (%j)', (cluster, message) => {
    expect(() =>
      readClusterConfigs(new ConfigReader(kubernetesBlock(cluster))),
    ).toThrow(message);
  });

  it('rejects a cluster name used twice', () => {
    expect(() =>
      readClusterConfigs(
        new ConfigReader(kubernetesBlock(productionCluster, productionCluster)),
      ),
    ).toThrow(
      'kubernetes.clusterLocatorMethods[1].clusters[1].name: cluster "production" is configured twice',
    );
  });

  it('names the key of a missing kubeconfig file or context', () => {
    expect(() =>
      readClusterConfigs(
        new ConfigReader({
          deploy: {
            clusters: [{ name: 'local', kubeconfigPath: '/nonexistent' }],
          },
        }),
      ),
    ).toThrow('deploy.clusters[0].kubeconfigPath: no file at "/nonexistent"');
    expect(() =>
      readClusterConfigs(
        new ConfigReader({
          deploy: {
            clusters: [{ name: 'local', kubeconfigPath, context: 'nope' }],
          },
        }),
      ),
    ).toThrow('deploy.clusters[0].context: ');
  });
});

describe('readKubernetesTimeouts', () => {
  it('reads seconds, with defaults of 20s for calls and 60s for log reads', () => {
    expect(readKubernetesTimeouts(new ConfigReader({}))).toEqual({
      requestTimeoutMs: 20_000,
      logTimeoutMs: 60_000,
    });
    expect(
      readKubernetesTimeouts(
        new ConfigReader({
          deploy: {
            kubernetes: { requestTimeoutSeconds: 2.5, logTimeoutSeconds: 90 },
          },
        }),
      ),
    ).toEqual({ requestTimeoutMs: 2500, logTimeoutMs: 90_000 });
  });

  it('fails at start, naming the key, on a time that is not positive', () => {
    expect(() =>
      readKubernetesTimeouts(
        new ConfigReader({
          deploy: { kubernetes: { requestTimeoutSeconds: 0 } },
        }),
      ),
    ).toThrow(
      'Invalid Slipway config at deploy.kubernetes.requestTimeoutSeconds: must be a positive number of seconds, got 0',
    );
    expect(() =>
      readKubernetesTimeouts(
        new ConfigReader({
          deploy: { kubernetes: { logTimeoutSeconds: 'soon' } },
        }),
      ),
    ).toThrow(/deploy\.kubernetes\.logTimeoutSeconds/);
  });
});
