import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Write a service's manifests to deploy/ in the workspace (base/ and an overlay per channel)",
    example: yaml.stringify({
      steps: [
        {
          id: 'manifests',
          action: 'deploy:service:write-manifests',
          name: 'Write the manifests',
          input: {
            service: 'checkout',
          },
        },
      ],
    }),
  },
  {
    description:
      "Propose a service's manifests to its repository as a pull request; merging it and annotating the entity with slipway.dev/manifests: ./deploy moves the service onto them",
    example: yaml.stringify({
      steps: [
        {
          id: 'manifests',
          action: 'deploy:service:write-manifests',
          name: 'Write the manifests',
          input: {
            service: '${{ parameters.service }}',
            targetPath: 'deploy',
          },
        },
        {
          id: 'pull-request',
          action: 'publish:github:pull-request',
          name: 'Propose them',
          input: {
            repoUrl: '${{ parameters.repoUrl }}',
            branchName: 'slipway-manifests',
            title: 'Deploy ${{ parameters.service }} from its own manifests',
            description:
              'deploy/ holds what Slipway generates for the service today. Add `slipway.dev/manifests: ./deploy` to catalog-info.yaml to deploy from it.',
          },
        },
      ],
    }),
  },
];
