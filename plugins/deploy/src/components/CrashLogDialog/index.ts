export { CrashLogDialog, describeContainerProblem } from './CrashLogDialog';
export type { CrashLogDialogProps } from './CrashLogDialog';
