import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Deploy the first version to the first channel and wait until it is live',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'deploy:service:deploy',
          name: 'Deploy the first version',
          input: {
            service: '${{ steps.create.output.name }}',
            version: '1.0.0',
          },
        },
      ],
    }),
  },
  {
    description: 'Deploy to a given channel without waiting for the outcome',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'deploy:service:deploy',
          name: 'Deploy to staging',
          input: {
            service: 'checkout',
            version: '1.4.2',
            channel: 'staging',
            wait: false,
          },
        },
      ],
    }),
  },
];
