import { useApi } from '@backstage/core-plugin-api';
import {
  Deployment,
  ListDeploymentsQuery,
} from '@slipway/plugin-deploy-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { deployApiRef } from '../api';

/** What {@link useDeploymentHistory} returns. */
export interface DeploymentHistoryState {
  deployments: Deployment[];
  loading: boolean;
  error?: Error;
  hasMore: boolean;
  loadMore: () => void;
}

/**
 * Deployment history for a query, newest first, a page at a time. Reloads
 * the first page when the query or `refreshKey` changes; no query, no load.
 */
export function useDeploymentHistory(
  query: Omit<ListDeploymentsQuery, 'cursor'> | undefined,
  refreshKey?: unknown,
): DeploymentHistoryState {
  const deployApi = useApi(deployApiRef);
  const queryKey = JSON.stringify(query ?? null);
  const latestRequest = useRef(0);
  const [state, setState] = useState<{
    deployments: Deployment[];
    nextCursor?: string;
    loading: boolean;
    error?: Error;
  }>({ deployments: [], loading: Boolean(query) });

  const fetchPage = useCallback(
    async (cursor?: string) => {
      if (!query) return;
      // Answers to an older query or page must not overwrite a newer one.
      const request = ++latestRequest.current;
      setState(s => ({ ...s, loading: true, error: undefined }));
      try {
        const page = await deployApi.listDeployments({ ...query, cursor });
        if (request !== latestRequest.current) return;
        setState(s => ({
          deployments: cursor ? [...s.deployments, ...page.items] : page.items,
          nextCursor: page.nextCursor,
          loading: false,
        }));
      } catch (error) {
        if (request !== latestRequest.current) return;
        setState(s => ({ ...s, loading: false, error: error as Error }));
      }
    },
    [deployApi, queryKey], // eslint-disable-line react-hooks/exhaustive-deps
  );

  useEffect(() => {
    fetchPage();
  }, [fetchPage, refreshKey]);

  const { nextCursor } = state;
  const loadMore = useCallback(() => {
    if (nextCursor) fetchPage(nextCursor);
  }, [fetchPage, nextCursor]);

  return {
    deployments: state.deployments,
    loading: state.loading,
    error: state.error,
    hasMore: Boolean(nextCursor),
    loadMore,
  };
}
