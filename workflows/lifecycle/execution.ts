import { addMonths, toMs } from '../../domain/dates';
import { executionChecks } from '../../domain/rules';
import type { Lifecycle } from './context';
import { runChecks, type OnAnswer } from './tasks';

interface ExecutionHooks {
  onAnswer: OnAnswer;
  startNextCycle: () => Promise<void>;
}

/**
 * One execution year per run: waits for the next anniversary (annual review, insertion hours, label re-check),
 * starts the next cycle of a recurring need at J-24 months before expiry, and returns true to continue-as-new
 * after each review; false once the contract reaches its end date.
 */
export async function executionYears(lc: Lifecycle, hooks: ExecutionHooks): Promise<boolean> {
  if (lc.state.contract.phase !== 'execution') await lc.enterPhase('execution');
  const c = lc.state.contract;
  const start = () => c.startDate ?? c.facts.plannedAwardDate;
  const end = () => c.endDate ?? addMonths(start(), c.facts.durationMonths);
  const review = () => addMonths(start(), 12 * (lc.state.yearsReviewed + 1));
  const renewal = () => addMonths(end(), -lc.state.policy.leadTimesMonths.renewalStart);
  const renewalPending = () => c.facts.recurring && !lc.state.nextCycleStarted;

  for (;;) {
    const next = () => Math.min(toMs(review()), toMs(end()), renewalPending() ? toMs(renewal()) : Infinity);
    await lc.sleepUntil(next);
    if (renewalPending() && Date.now() >= toMs(renewal())) {
      await hooks.startNextCycle();
      continue;
    }
    if (toMs(review()) <= toMs(end())) {
      const year = lc.state.yearsReviewed + 1;
      const following = addMonths(start(), 12 * (year + 1));
      await runChecks(lc, executionChecks(lc.checkContext, year, following), hooks.onAnswer, year);
      lc.state.yearsReviewed = year;
      return toMs(review()) <= toMs(end()) || Date.now() < toMs(end());
    }
    return false;
  }
}
