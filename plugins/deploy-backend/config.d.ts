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
    /** How Slipway talks to its clusters. */
    kubernetes?: {
      /**
       * Seconds a call to a cluster's API server may take (a list or watch
       * request, an apply, a read) before Slipway gives up on it as a
       * transient failure: a deployment retries it, a status read says the
       * cluster did not answer. Default 20.
       */
      requestTimeoutSeconds?: number;
      /** Seconds a pod log read may take. Default 60. */
      logTimeoutSeconds?: number;
    };
    /** Releases that CI publishes. */
    releases?: {
      /**
       * Releases kept per service; older ones are deleted, except those a
       * channel still runs. Default 200.
       */
      keep?: number;
    };
    /** The channels' delivery rules (autoDeploy, autoPromote). */
    delivery?: {
      /**
       * Seconds between runs of the rules for every service, besides the
       * runs after each release and each ended deployment. Default 30.
       */
      sweepSeconds?: number;
    };
    worker?: {
      /** How often the worker looks for deployments to run, in ms. Default 1000. */
      pollIntervalMs?: number;
      /**
       * Deployments one backend replica drives at once. Waiting deployments
       * (rollouts in progress, soaks, windows, retries) hold no slot.
       * Default 4.
       */
      concurrency?: number;
      /**
       * Transient failures in a row (timeouts, 5xx, lost connections) after
       * which a deployment fails; retries back off from 2s to 30s. Default 12
       * (about five minutes). Permanent errors fail at once.
       */
      maxAttempts?: number;
      /**
       * How long a replica's claim on a deployment lasts without a heartbeat
       * (sent every third of it); after that another replica takes over.
       * Default 30.
       */
      leaseSeconds?: number;
    };
    /**
     * Services' own manifests (the slipway.dev/manifests annotation on the
     * catalog entity): how they are rendered and what they may contain.
     */
    manifests?: {
      kustomize?: {
        /** The kustomize program (`kustomize build` is run), or kubectl (`kubectl kustomize`). Default "kustomize" on PATH. */
        command?: string;
      };
      helm?: {
        /** The helm program (`helm template` is run). Default "helm" on PATH. */
        command?: string;
      };
      /** How long one render may take. Default 60. */
      renderTimeoutSeconds?: number;
      /** How much a renderer may print before it is stopped. Default 8. */
      maxRenderedMegabytes?: number;
      /**
       * Cluster-scoped kinds a service's manifests may contain, e.g.
       * ["ClusterRole"]. Default none: a set holds only namespaced objects.
       */
      allowClusterScopedKinds?: string[];
    };
    /**
     * For portals without a git host: the directory the new-service template
     * publishes into. Slipway reads `file:` manifests only from inside it;
     * unset, it reads none.
     */
    localPublish?: {
      directory?: string;
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
      /**
       * Seconds the workloads may be unhealthy, in total, during the soak
       * before the deployment fails (and rolls back). Default 60.
       */
      soakUnavailableSeconds?: number;
      /** Restore the previous version when a rollout fails. Default true. */
      autoRollback?: boolean;
      /** The Deployment's progressDeadlineSeconds. Default 300. */
      progressDeadlineSeconds?: number;
      /**
       * Deploy every newly published release here on its own. Only the
       * first channel may (later ones promote). Default false.
       */
      autoDeploy?: boolean;
      /**
       * Promote here on its own from the previous channel once a release
       * succeeded (and soaked) there. With approval.required, the promotion
       * is created and waits for a person's approval. Not on the first
       * channel. Default false.
       */
      autoPromote?: boolean;
      /**
       * Only published releases may be deployed here; the deploy dialog then
       * offers no free-text version. Default false.
       */
      releasesOnly?: boolean;
      /**
       * Tell the owning team when this channel has run an older release than
       * the previous channel for longer than this many minutes. Not on the
       * first channel. Default: never.
       */
      behindAlertMinutes?: number;
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
