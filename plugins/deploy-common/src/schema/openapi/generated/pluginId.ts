export const pluginId = 'deploy';
