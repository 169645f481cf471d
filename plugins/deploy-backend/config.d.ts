export interface Config {
  /** Slipway's deploy engine. */
  deploy?: {
    /**
     * How often the worker looks for deployments to advance, in milliseconds.
     * @visibility backend
     */
    pollIntervalMs?: number;
  };
}
