import { patched } from '@temporalio/workflow';
import { addDays, addMonths, toMs } from '../../domain/dates';
import { executionChecks, labelKey, labelRecheckCheck, labelRechecks } from '../../domain/rules';
import type { Lifecycle } from './context';
import { notifyPhase } from './notices';
import { runChecks, taskId, type OnAnswer } from './tasks';

interface ExecutionHooks {
  onAnswer: OnAnswer;
  startNextCycle: () => Promise<void>;
}

/**
 * One execution year per run: waits for the next anniversary (annual review, insertion hours), starts the next
 * cycle of a recurring need at J-24 months before expiry, re-checks each held label `labelRecheckDaysBefore` days
 * before it expires, and returns true to continue-as-new after each review; false once the contract reaches its end.
 */
export async function executionYears(lc: Lifecycle, hooks: ExecutionHooks): Promise<boolean> {
  if (lc.state.contract.phase !== 'execution') await lc.enterPhase('execution');
  const c = lc.state.contract;
  const start = () => c.startDate ?? c.facts.plannedAwardDate;
  const end = () => c.endDate ?? addMonths(start(), c.facts.durationMonths);
  const review = () => addMonths(start(), 12 * (lc.state.yearsReviewed + 1));
  const renewal = () => addMonths(end(), -lc.state.policy.leadTimesMonths.renewalStart);
  const renewalPending = () => c.facts.recurring && !lc.state.nextCycleStarted;
  // Histories recorded before: labels were re-checked only at a yearly review, expiring before the next one.
  const timely = patched('label-recheck-timing');
  const rechecks = () => (timely ? labelRechecks(lc.checkContext, end(), lc.state.labelsRechecked) : []);

  for (;;) {
    const recheck = () => rechecks()[0];
    const next = () => Math.min(toMs(review()), toMs(end()), renewalPending() ? toMs(renewal()) : Infinity, recheck() ? toMs(recheck()!.recheckOn) : Infinity);
    await lc.sleepUntil(next);
    if (renewalPending() && Date.now() >= toMs(renewal())) {
      await hooks.startNextCycle();
      continue;
    }
    const due = rechecks().filter((l) => toMs(l.recheckOn) <= Date.now());
    if (due.length) {
      (lc.state.labelsRechecked ??= []).push(...due.map(labelKey));
      await runChecks(lc, labelRecheckCheck(lc.checkContext, due), hooks.onAnswer, recheckNumber(lc));
      continue;
    }
    if (toMs(review()) <= toMs(end())) {
      const year = lc.state.yearsReviewed + 1;
      const following = addMonths(start(), 12 * (year + 1));
      const checks = executionChecks(lc.checkContext, year, following).filter((s) => !timely || s.kind !== 'label-validity');
      await notifyPhase(lc, 'execution', checks);
      // Due `dueDays` after the anniversary: a year reviewed late (a contract registered after it) is overdue at once.
      await runChecks(lc, checks, hooks.onAnswer, year, addDays(review(), lc.state.policy.tasks.dueDays));
      lc.state.yearsReviewed = year;
      return toMs(review()) <= toMs(end()) || Date.now() < toMs(end());
    }
    return false;
  }
}

/** Label re-checks are numbered in the cycle (the task id's number), after any earlier label task. */
function recheckNumber(lc: Lifecycle): number {
  const used = new Set([...(lc.state.closedTasks ?? []), ...Object.keys(lc.state.tasks)]);
  let n = 1;
  while (used.has(taskId(lc.facts.id, lc.state.contract.cycle, 'label-validity', n))) n++;
  return n;
}
