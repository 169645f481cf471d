import { Entity } from '@backstage/catalog-model';
import { ReleaseChannel, Service } from '@slipway/plugin-deploy-common';
import { SetBuilder } from './SetBuilder';
import { ManifestReader } from './source/ManifestReader';
import { ManifestSnapshot, hashFiles } from './source/ManifestSnapshot';

const channel: ReleaseChannel = {
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
    progressDeadlineSeconds: 60,
    autoDeploy: false,
    autoPromote: false,
    releasesOnly: false,
  },
};
const service: Service = {
  name: 'checkout',
  entityRef: 'component:default/checkout',
  ownerRef: 'group:default/team-payments',
  spec: { image: 'registry.example/checkout', port: 8080, channels: {} },
  createdAt: '2026-12-03T00:00:00.000Z',
  updatedAt: '2026-12-03T00:00:00.000Z',
};
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: {
      'slipway.dev/manifests':
        'https://github.com/shop/checkout/tree/main/deploy',
    },
  },
};
const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
spec:
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: app
          image: registry.example/checkout:placeholder
`;

describe('SetBuilder', () => {
  function builder() {
    const read = jest.fn(async (url: string): Promise<ManifestSnapshot> => {
      const files = [
        { path: 'deployment.yaml', content: Buffer.from(deploymentYaml) },
      ];
      return { hash: hashFiles(files), url, commit: 'etag', files };
    });
    const saved = new Map<string, ManifestSnapshot>();
    const sets = new SetBuilder({
      entityOf: async () => entity,
      reader: { read } as unknown as ManifestReader,
      sources: {
        saveManifestSource: async s => {
          saved.set(s.hash, s);
        },
        getManifestSource: async hash => saved.get(hash),
      },
      tools: { kustomize: 'kustomize', helm: 'helm' } as any,
    });
    return { sets, read };
  }

  it("reads a release's manifests at the commit it was built from", async () => {
    const { sets, read } = builder();
    const set = await sets.build({
      service,
      channel,
      namespace: 'slipway-dev',
      version: '1.4.0',
      deploymentId: '00000000-0000-4000-8000-000000000001',
      commit: '3f2a9c1d8e7b',
    });
    expect(read).toHaveBeenCalledWith(
      'https://github.com/shop/checkout/tree/3f2a9c1d8e7b/deploy',
    );
    expect(set.source.url).toBe(
      'https://github.com/shop/checkout/tree/3f2a9c1d8e7b/deploy',
    );
    const [deployment] = set.objects;
    expect((deployment as any).spec.template.spec.containers[0].image).toBe(
      'registry.example/checkout:1.4.0',
    );
  });

  it('reads the branch as it is for a version that is not a release', async () => {
    const { sets, read } = builder();
    await sets.build({
      service,
      channel,
      namespace: 'slipway-dev',
      version: '1.4.0',
      deploymentId: '00000000-0000-4000-8000-000000000002',
    });
    expect(read).toHaveBeenCalledWith(
      'https://github.com/shop/checkout/tree/main/deploy',
    );
  });
});
