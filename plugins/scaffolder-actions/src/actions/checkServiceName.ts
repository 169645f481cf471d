import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { describeInvalidDnsLabel } from '@slipway/plugin-deploy-common';
import { examples } from './checkServiceName.examples';

/**
 * `deploy:service:check-name`: stops a template early, with a message a person
 * understands, when the new service's name can't be a Kubernetes name.
 *
 * @public
 */
export function createCheckServiceNameAction() {
  return createTemplateAction({
    id: 'deploy:service:check-name',
    description:
      'Checks that a new service name is a valid DNS label, the form Kubernetes and Slipway require.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string().describe('The name of the new service, e.g. "checkout"'),
      },
      output: {
        name: z => z.string().describe('The checked name, unchanged'),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      const problem = describeInvalidDnsLabel(name);
      if (problem) {
        throw new InputError(`Service name "${name}" ${problem}.`);
      }
      ctx.logger.info(`Service name "${name}" is valid`);
      ctx.output('name', name);
    },
  });
}
