export { FailureEvidencePanel } from './FailureEvidencePanel';
