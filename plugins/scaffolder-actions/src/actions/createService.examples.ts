import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Create a service in every release channel with the defaults',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'deploy:service:create',
          name: 'Create the service in every channel',
          input: {
            name: '${{ parameters.name }}',
            image: 'registry.example.com/${{ parameters.name }}',
            port: 8080,
          },
        },
      ],
    }),
  },
  {
    description:
      'Create a service with more replicas in prod and a migration that runs before every rollout',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'deploy:service:create',
          name: 'Create the service in every channel',
          input: {
            name: 'checkout',
            entityRef: 'component:default/checkout',
            image: 'registry.example.com/checkout',
            port: 8080,
            channels: {
              dev: { replicas: 1, env: { LOG_LEVEL: 'debug' } },
              prod: {
                replicas: 3,
                env: {
                  DATABASE_PASSWORD: {
                    secretKeyRef: { name: 'checkout-db', key: 'password' },
                  },
                },
              },
            },
            migration: {
              command: ['./migrate', 'up'],
              timeoutSeconds: 300,
              retries: 1,
            },
          },
        },
      ],
    }),
  },
];
