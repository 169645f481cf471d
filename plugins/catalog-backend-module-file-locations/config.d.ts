export interface Config {
  deploy?: {
    /**
     * Declared here as well as in the scaffolder module, since this module
     * can be installed on its own: only whether it is set matters here. When
     * it is, the catalog accepts `file` locations from its API.
     */
    localPublish?: {
      /**
       * Where `deploy:publish:local` publishes generated services; relative
       * to the backend's working directory.
       */
      directory: string;
    };
  };
}
