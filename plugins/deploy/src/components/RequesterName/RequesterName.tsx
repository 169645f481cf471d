import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import { Deployment } from '@slipway/plugin-deploy-common';

/**
 * Who asked for a deployment: the person, or — when a channel rule started
 * it — "rule auto-promote", with the rule's reason as a tooltip.
 */
export function RequesterName(props: {
  deployment: Pick<Deployment, 'requestedBy' | 'automation'>;
  hideIcon?: boolean;
}) {
  const { deployment, hideIcon } = props;
  if (deployment.automation) {
    return (
      <Box component="span" title={deployment.automation.reason}>
        rule {deployment.automation.rule}
      </Box>
    );
  }
  return (
    <EntityDisplayName
      entityRef={deployment.requestedBy}
      defaultKind="user"
      hideIcon={hideIcon}
    />
  );
}
