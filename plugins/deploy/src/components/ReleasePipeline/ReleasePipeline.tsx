import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { PipelineResponse } from '@slipway/plugin-deploy-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { deployApiRef } from '../../api';
import { CompareChannelsDialog } from '../CompareChannelsDialog';
import { describeError } from '../describeError';
import { ReleaseSummary } from '../ReleaseSummary';
import { PipelineStageView } from './PipelineStageView';
import { StageActions, stageAction } from './StageActions';

/** Props of {@link ReleasePipeline}. */
export interface ReleasePipelineProps {
  service: string;
  /** Changes when the pipeline may have changed (a signal, an action), to read it again. */
  refreshKey: number;
  /** Called after an action was accepted, to reload the tab. */
  onChanged: () => void;
}

/** Two neighbouring channels to compare: what `head` runs that `base` does not. */
interface ChannelPair {
  head: string;
  base: string;
}

function PipelineTable(props: {
  service: string;
  pipeline: PipelineResponse;
  onChanged: () => void;
}) {
  const { service, pipeline, onChanged } = props;
  return (
    <Box overflow="auto">
      <Table size="small" aria-label={`Pipeline of ${service}`}>
        <TableHead>
          <TableRow>
            <TableCell>Release</TableCell>
            {pipeline.channels.map(channel => (
              <TableCell key={channel}>{channel}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {pipeline.releases.map(({ release, stages }) => (
            <TableRow key={release.version}>
              <TableCell>
                <ReleaseSummary release={release} />
              </TableCell>
              {pipeline.channels.map((channel, index) => {
                const stage = stages.find(s => s.channel === channel);
                const previous =
                  index > 0
                    ? stages.find(
                        s => s.channel === pipeline.channels[index - 1],
                      )
                    : undefined;
                const action = stage && stageAction(stage, previous);
                return (
                  <TableCell key={channel}>
                    <Box
                      role="group"
                      aria-label={`${release.version} in ${channel}`}
                      display="flex"
                      flexDirection="column"
                      alignItems="flex-start"
                      gridGap={4}
                    >
                      {stage && <PipelineStageView stage={stage} />}
                      {stage && action && (
                        <StageActions
                          service={service}
                          version={release.version}
                          stage={stage}
                          action={action}
                          onChanged={onChanged}
                        />
                      )}
                    </Box>
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/**
 * The service's recent releases, newest first, and where each stands in
 * every channel: deployed, deploying, waiting (for a soak, an approval or the
 * deploy window), failed, superseded, or not there yet — with one-click
 * approve and promote where the user may, and each pair of neighbouring
 * channels to compare.
 */
export function ReleasePipeline(props: ReleasePipelineProps) {
  const { service, refreshKey, onChanged } = props;
  const deployApi = useApi(deployApiRef);
  const [comparing, setComparing] = useState<ChannelPair>();
  // Keeps its last value while it reads again, so a signal does not blank it.
  const { value, error } = useAsync(
    () => deployApi.getPipeline(service),
    [deployApi, service, refreshKey],
  );

  const pairs: ChannelPair[] = (value?.channels ?? [])
    .slice(1)
    .map((base, index) => ({ head: value!.channels[index], base }));
  const hasReleases = Boolean(value && value.releases.length > 0);

  let content;
  if (error && !value) {
    content = (
      <Typography color="error">
        Could not read the pipeline: {describeError(error)}
      </Typography>
    );
  } else if (!value) {
    content = <Progress />;
  } else if (!hasReleases) {
    content = (
      <Typography color="textSecondary">
        No releases of {service} published yet. CI publishes each image it
        builds with POST /api/deploy/services/{service}/releases; channels that
        take new releases on their own then deploy it.
      </Typography>
    );
  } else {
    content = (
      <PipelineTable service={service} pipeline={value} onChanged={onChanged} />
    );
  }

  return (
    <InfoCard
      title="Pipeline"
      subheader="Recent releases, newest first, and where each stands in every channel"
      action={
        hasReleases && (
          <Box display="flex" gridGap={8} pt={1} pr={1}>
            {pairs.map(pair => (
              <Button
                key={pair.base}
                size="small"
                aria-label={`Compare ${pair.head} with ${pair.base}`}
                onClick={() => setComparing(pair)}
              >
                {pair.head} vs {pair.base}
              </Button>
            ))}
          </Box>
        )
      }
    >
      {content}
      {comparing && (
        <CompareChannelsDialog
          open
          onClose={() => setComparing(undefined)}
          service={service}
          channel={comparing.base}
          other={comparing.head}
        />
      )}
    </InfoCard>
  );
}
