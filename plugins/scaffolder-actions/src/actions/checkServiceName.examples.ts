import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Check the name a user typed into the template form',
    example: yaml.stringify({
      steps: [
        {
          id: 'check-name',
          action: 'deploy:service:check-name',
          name: 'Check the service name',
          input: { name: '${{ parameters.name }}' },
        },
      ],
    }),
  },
];
