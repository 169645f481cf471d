import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook, waitFor } from '@testing-library/react';
import { PropsWithChildren } from 'react';
import { deployApiRef } from '../api';
import { makeDeployment } from '../__testUtils__/fixtures';
import { mockDeployApi } from '../__testUtils__/mockDeployApi';
import { useDeploymentHistory } from './useDeploymentHistory';

function setup() {
  const deployApi = mockDeployApi();
  const wrapper = ({ children }: PropsWithChildren) => (
    <TestApiProvider apis={[[deployApiRef, deployApi]]}>
      {children}
    </TestApiProvider>
  );
  return { deployApi, wrapper };
}

describe('useDeploymentHistory', () => {
  it('loads the first page, then the next one by cursor', async () => {
    const { deployApi, wrapper } = setup();
    deployApi.listDeployments
      .mockResolvedValueOnce({
        items: [makeDeployment({ id: 'a' })],
        nextCursor: 'c1',
      })
      .mockResolvedValueOnce({ items: [makeDeployment({ id: 'b' })] });
    const { result } = renderHook(
      () => useDeploymentHistory({ service: 'checkout', limit: 20 }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.deployments).toHaveLength(1));
    expect(result.current.hasMore).toBe(true);

    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.deployments).toHaveLength(2));
    expect(result.current.deployments.map(d => d.id)).toEqual(['a', 'b']);
    expect(result.current.hasMore).toBe(false);
    expect(deployApi.listDeployments).toHaveBeenLastCalledWith({
      service: 'checkout',
      limit: 20,
      cursor: 'c1',
    });
  });

  it('reloads the first page when the refresh key changes', async () => {
    const { deployApi, wrapper } = setup();
    deployApi.listDeployments.mockResolvedValue({ items: [] });
    const { rerender } = renderHook(
      ({ key }) => useDeploymentHistory({ service: 'checkout' }, key),
      { wrapper, initialProps: { key: 0 } },
    );
    await waitFor(() =>
      expect(deployApi.listDeployments).toHaveBeenCalledTimes(1),
    );
    rerender({ key: 1 });
    await waitFor(() =>
      expect(deployApi.listDeployments).toHaveBeenCalledTimes(2),
    );
  });

  it('loads nothing without a query and reports errors', async () => {
    const { deployApi, wrapper } = setup();
    const { result, rerender } = renderHook(
      ({ team }: { team?: string }) =>
        useDeploymentHistory(team ? { team } : undefined),
      { wrapper, initialProps: {} },
    );
    expect(deployApi.listDeployments).not.toHaveBeenCalled();
    expect(result.current.loading).toBe(false);

    deployApi.listDeployments.mockRejectedValue(new Error('nope'));
    rerender({ team: 'group:default/a' });
    await waitFor(() => expect(result.current.error?.message).toBe('nope'));
  });
});
