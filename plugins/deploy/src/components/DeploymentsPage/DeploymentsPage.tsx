import { Content, EmptyState, Header, Page } from '@backstage/core-components';

/** The team Deployments page: history, frequency and success rate. */
export function DeploymentsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Deployments"
        subtitle="Every deployment of your team's services"
      />
      <Content>
        <EmptyState
          missing="content"
          title="Deployment history is coming soon"
          description="Browse your team's deployments, their frequency and success rate here."
        />
      </Content>
    </Page>
  );
}
