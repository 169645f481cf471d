import { DeployApi } from '../api';

const notMocked = (method: string) =>
  jest.fn().mockRejectedValue(new Error(`${method} is not mocked`));

/**
 * A DeployApi of jest mocks: channels, history and releases answer empty, every other
 * call fails until the test says what it returns.
 */
export function mockDeployApi(): jest.Mocked<DeployApi> {
  return {
    getChannels: jest.fn().mockResolvedValue({ items: [] }),
    registerService: notMocked('registerService'),
    getServiceStatus: notMocked('getServiceStatus'),
    createDeployment: notMocked('createDeployment'),
    listDeployments: jest.fn().mockResolvedValue({ items: [] }),
    getDeployment: notMocked('getDeployment'),
    approveDeployment: notMocked('approveDeployment'),
    cancelDeployment: notMocked('cancelDeployment'),
    rollback: notMocked('rollback'),
    getPodLogs: notMocked('getPodLogs'),
    getTeamMetrics: notMocked('getTeamMetrics'),
    getDiff: notMocked('getDiff'),
    compareChannels: notMocked('compareChannels'),
    getDeploymentDiff: notMocked('getDeploymentDiff'),
    publishRelease: notMocked('publishRelease'),
    listReleases: jest.fn().mockResolvedValue({ items: [] }),
    getPipeline: notMocked('getPipeline'),
    getReleaseChanges: notMocked('getReleaseChanges'),
  };
}
