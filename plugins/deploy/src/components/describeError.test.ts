import { ResponseError } from '@backstage/errors';
import { describeError } from './describeError';

describe('describeError', () => {
  it('prefers the message the backend sent', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'prod needs approval' },
        response: { statusCode: 403 },
      }),
      { status: 403, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    expect(describeError(error)).toBe('prod needs approval');
  });

  it('falls back to the error message', () => {
    expect(describeError(new Error('offline'))).toBe('offline');
  });
});
