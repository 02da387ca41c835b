// The worker's workflowsPath: every workflow type the product registers.
export { systemCheck } from './system-check';
