import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Publish the generated skeleton on the backend machine and register it in the catalog',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'deploy:publish:local',
          name: 'Publish and register in the catalog',
          input: { name: '${{ parameters.name }}', sourcePath: 'service' },
        },
      ],
    }),
  },
];
