import { createDigestActivities } from './digest';
import { createMailActivities, type MailDeps } from './mail';
import { createPolicyActivities, type PolicyDeps } from './policy';
import { createRecordActivities, type RecordDeps } from './records';
import { createSystemCheckActivities, type SystemCheckDeps } from './system-check';

export type ActivityDeps = SystemCheckDeps & PolicyDeps & RecordDeps & MailDeps;

/** Every activity the worker registers, built from the clients the worker owns. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSystemCheckActivities(deps),
    ...createPolicyActivities(deps),
    ...createRecordActivities(deps),
    ...createMailActivities(deps),
    ...createDigestActivities(deps),
  };
}
