export { ReleaseSummary, shortCommit } from './ReleaseSummary';
