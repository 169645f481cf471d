export interface Config {
  /** Slipway's deploy engine. */
  deploy?: {
    /**
     * Clusters from kubeconfig files, for local use. Clusters are otherwise
     * read from `kubernetes.clusterLocatorMethods` (type config, with
     * authProvider serviceAccount), the Backstage Kubernetes plugin's block.
     * An entry here wins over a cluster of the same name there.
     */
    clusters?: Array<{
      /** The name channels refer to. */
      name: string;
      /** Path of the kubeconfig file. */
      kubeconfigPath: string;
      /** The kubeconfig context to use; its current context by default. */
      context?: string;
    }>;
    worker?: {
      /** How often the worker looks for deployments to run, in ms. Default 1000. */
      pollIntervalMs?: number;
    };
    api?: {
      /** Also validate responses against the OpenAPI spec (for development). Default false. */
      validateResponses?: boolean;
    };
    /**
     * Release channels in promotion order: a version enters a channel only
     * after it succeeded (and soaked) in the one before it.
     */
    channels: Array<{
      /** Channel name, a DNS label, e.g. "dev", "staging", "prod". */
      name: string;
      /** Name of a cluster from `kubernetes.clusterLocatorMethods` (type config). */
      cluster: string;
      /**
       * Namespace of the channel's objects; `{service}` and `{channel}` are
       * replaced. Default "slipway-{channel}".
       */
      namespace?: string;
      approval?: {
        /** A person must approve before the deployment runs. Default false. */
        required?: boolean;
        /** The approver must not be the requester. Default true. */
        approverMustDiffer?: boolean;
      };
      /** Seconds a version must run here before the next channel may take it. Default 0. */
      soakSeconds?: number;
      /** Restore the previous version when a rollout fails. Default true. */
      autoRollback?: boolean;
      /** The Deployment's progressDeadlineSeconds. Default 300. */
      progressDeadlineSeconds?: number;
      /** When set, deployments to this channel may only start inside it. */
      deployWindow?: {
        /** Days, e.g. ["mon", "tue", "wed", "thu", "fri"]. */
        days: string[];
        /** "HH:MM", UTC, inclusive. */
        start: string;
        /** "HH:MM", UTC, exclusive. */
        end: string;
      };
    }>;
  };
}
