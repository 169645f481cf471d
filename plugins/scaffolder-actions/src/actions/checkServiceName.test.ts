import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createCheckServiceNameAction } from './checkServiceName';
import { examples } from './checkServiceName.examples';

describe('deploy:service:check-name', () => {
  const action = createCheckServiceNameAction();

  it('passes a valid name through', async () => {
    const ctx = createMockActionContext({ input: { name: 'checkout' } });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('name', 'checkout');
  });

  it('fails with a message that says what is wrong', async () => {
    const ctx = createMockActionContext({ input: { name: 'Check_Out' } });
    await expect(action.handler(ctx)).rejects.toThrow(
      'Service name "Check_Out" must contain only lowercase letters',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('runs its documented example', async () => {
    const step = yaml.parse(examples[0].example).steps[0];
    expect(step.action).toBe(action.id);
    const ctx = createMockActionContext({ input: { name: 'status-page' } });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('name', 'status-page');
  });
});
