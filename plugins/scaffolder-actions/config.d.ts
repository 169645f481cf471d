export interface Config {
  deploy?: {
    /**
     * Where `deploy:publish:local` publishes generated services, one folder
     * each; relative to the backend's working directory. Without it the action
     * is not registered: a portal with a git host publishes there instead.
     */
    localPublish?: {
      directory: string;
    };
  };
}
