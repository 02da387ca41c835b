import { patched } from '@temporalio/workflow';
import type { Phase } from '../../domain/policy';
import { phaseNotices, type CheckSpec } from '../../domain/rules';
import type { Lifecycle } from './context';

/**
 * Partners and internal experts hear of the phases the policy lists for them (`involvedAt`), with the checks of the
 * phase they act on; the public-procurement service, of the contracts it follows internally (003 actions 5, 8, 11).
 */
export async function notifyPhase(lc: Lifecycle, phase: Phase, checks: CheckSpec[]): Promise<void> {
  const notices = phaseNotices(lc.checkContext, phase, checks);
  // Histories recorded before these notices have neither their write nor their mails.
  if (!notices.length || !patched('partner-phase-notices')) return;
  const f = lc.facts;
  for (const n of notices) {
    lc.recorder
      .log('system', 'partner.notified', `${n.name} informé : ${n.phaseName}`, { partner: n.partnerId, phase, topics: n.topics.map((t) => t.kind) })
      .notify({
        kind: 'partner-phase', to: [n.email], cc: [f.buyer.email], partnerId: n.partnerId,
        data: { partner: n.name, phase, phaseName: n.phaseName, why: n.why, topics: n.topics, amountHT: f.estimatedAmountHT, plannedAwardDate: f.plannedAwardDate },
      });
  }
  await lc.recorder.flush();
}
