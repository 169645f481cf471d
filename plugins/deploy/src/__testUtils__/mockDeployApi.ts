import { DeployApi } from '../api';

/** A DeployApi whose every call is a jest mock with an empty answer. */
export function mockDeployApi(): jest.Mocked<DeployApi> {
  return {
    getChannels: jest.fn().mockResolvedValue({ items: [] }),
    getServiceStatus: jest.fn(),
    createDeployment: jest.fn(),
    listDeployments: jest.fn().mockResolvedValue({ items: [] }),
    getDeployment: jest.fn(),
    approveDeployment: jest.fn(),
    cancelDeployment: jest.fn(),
    rollback: jest.fn(),
    getPodLogs: jest.fn(),
    getTeamMetrics: jest.fn(),
  };
}
