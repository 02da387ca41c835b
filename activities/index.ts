import { createSystemCheckActivities, type SystemCheckDeps } from './system-check';

export type ActivityDeps = SystemCheckDeps;

/** Every activity the worker registers, built from the clients the worker owns. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemCheckActivities(deps),
  };
}
