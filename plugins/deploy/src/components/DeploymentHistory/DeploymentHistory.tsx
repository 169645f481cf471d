import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { Deployment } from '@slipway/plugin-deploy-common';
import { DeploymentStatusLabel } from '../DeploymentStatusLabel';
import { DeploymentTimeline } from '../DeploymentTimeline';
import { RequesterName } from '../RequesterName';
import { deploymentDuration, formatDuration } from '../formatDuration';

/** Props of {@link DeploymentHistory}. */
export interface DeploymentHistoryProps {
  deployments: Deployment[];
  loading: boolean;
  error?: Error;
  hasMore: boolean;
  onLoadMore: () => void;
  /** Show the service column (on the team page, not on a service's tab). */
  showService?: boolean;
  title?: string;
}

function duration(deployment: Deployment): string {
  const seconds = deploymentDuration(deployment);
  return seconds === undefined ? 'running' : formatDuration(seconds);
}

/**
 * Deployments as a table — status, version, who, when, how long — each
 * expanding into its timeline.
 */
export function DeploymentHistory(props: DeploymentHistoryProps) {
  const { deployments, loading, error, hasMore, onLoadMore, showService } =
    props;

  if (error) {
    return <ResponseErrorPanel error={error} />;
  }

  const columns: TableColumn<Deployment>[] = [
    {
      title: 'Status',
      field: 'status',
      render: d => <DeploymentStatusLabel status={d.status} />,
    },
    ...(showService
      ? [{ title: 'Service', field: 'service' } as TableColumn<Deployment>]
      : []),
    { title: 'Channel', field: 'channel' },
    {
      title: 'Version',
      field: 'version',
      render: d => (
        <>
          {d.version}
          {d.previousVersion && (
            <Typography variant="caption" color="textSecondary" component="div">
              from {d.previousVersion}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Requested by',
      field: 'requestedBy',
      render: d => (
        <>
          <RequesterName deployment={d} />
          {d.approvedBy && (
            <Typography variant="caption" color="textSecondary" component="div">
              approved by{' '}
              <EntityDisplayName
                entityRef={d.approvedBy}
                defaultKind="user"
                hideIcon
              />
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'When',
      field: 'createdAt',
      render: d => new Date(d.createdAt).toLocaleString(),
    },
    { title: 'Duration', render: d => duration(d) },
  ];

  return (
    <>
      <Table<Deployment>
        title={props.title ?? 'Deployment history'}
        columns={columns}
        data={deployments}
        isLoading={loading && deployments.length === 0}
        options={{ paging: false, search: false, padding: 'dense' }}
        detailPanel={[
          {
            tooltip: 'Show timeline',
            render: ({ rowData }) => (
              <DeploymentTimeline deployment={rowData} />
            ),
          },
        ]}
        emptyContent={
          <Box p={2}>
            <Typography color="textSecondary">No deployments match.</Typography>
          </Box>
        }
      />
      {hasMore && (
        <Box display="flex" justifyContent="center" mt={1}>
          <Button
            onClick={onLoadMore}
            disabled={loading}
            aria-label="Load older deployments"
          >
            {loading ? 'Loading…' : 'Load older deployments'}
          </Button>
        </Box>
      )}
    </>
  );
}
