export * from './localCluster';
