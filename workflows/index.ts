// The worker's workflowsPath: every workflow type the product registers.
export { contractLifecycle } from './contract-lifecycle';
export { systemCheck } from './system-check';
export { weeklyDigest } from './weekly-digest';
