/**
 * What the Comité annuel des achats durables (Clermont, 003 action 1) sees: the contracts whose targeting the CAO
 * president decided in a year (003:215), and, from the second year, the review of the actions decided the year
 * before (003:217 "Un bilan des actions arrêtées de l'année n-1 sera présenté au CAD").
 */
import { z } from 'zod';
import { CAD_TARGETS, type CadTarget, type IndicatorId } from '../domain/policy';
import type { Db } from '../lib/db';

/** The share indicator that tells whether a targeted contract reached its goal. */
export const GOAL_INDICATOR: Record<CadTarget, IndicatorId> = { 'circular-economy': 'circular-economy-targeted', 'sme-access': 'sme-targeted' };

/** A goal's outcome: reached or not at award, or not awarded yet. */
export type GoalOutcome = 'atteint' | 'non atteint' | 'non attribué';

export interface CadDecision {
  contractId: string;
  object: string;
  buyingService: string;
  phase: string;
  decidedOn: string;
  sustainablePotential: number;
  actionsRetained: string[];
  goals: { goal: CadTarget; outcome: GoalOutcome }[];
}

export interface CadReview {
  year: number;
  /** The decisions of the year's CAD. */
  decisions: CadDecision[];
  /** The decisions of the year before, with what became of them. */
  previous: CadDecision[];
}

// Answers are stored as recorded; older ones have no targetedFor.
const DecisionAnswer = z.object({
  sustainablePotential: z.number(),
  actionsRetained: z.array(z.string()),
  targetedFor: z.array(z.enum(CAD_TARGETS)).default([]),
});

export async function cadReview(db: Db, collectivityId: string, year: number): Promise<CadReview> {
  return { year, decisions: await decisionsOf(db, collectivityId, year), previous: await decisionsOf(db, collectivityId, year - 1) };
}

async function decisionsOf(db: Db, collectivityId: string, year: number): Promise<CadDecision[]> {
  const tasks = await db.task.findMany({
    where: {
      kind: 'cad-review', status: 'answered', contract: { collectivityId },
      answeredAt: { gte: new Date(Date.UTC(year, 0, 1)), lt: new Date(Date.UTC(year + 1, 0, 1)) },
    },
    include: { contract: { select: { id: true, object: true, buyingService: true, phase: true } } },
    orderBy: [{ answeredAt: 'asc' }, { id: 'asc' }],
  });
  const events = await db.indicatorEvent.findMany({
    where: { contractId: { in: tasks.map((t) => t.contractId) }, indicator: { in: Object.values(GOAL_INDICATOR) }, supersededBy: null, inDenominator: true },
    select: { contractId: true, indicator: true, value: true },
  });
  const reached = new Map(events.map((e) => [`${e.contractId}|${e.indicator}`, Number(e.value) > 0]));
  return tasks.flatMap((t) => {
    const answer = DecisionAnswer.safeParse(t.answer);
    if (!answer.success) return [];
    const outcome = (goal: CadTarget): GoalOutcome => {
      const r = reached.get(`${t.contractId}|${GOAL_INDICATOR[goal]}`);
      return r === undefined ? 'non attribué' : r ? 'atteint' : 'non atteint';
    };
    return [{
      contractId: t.contract.id, object: t.contract.object, buyingService: t.contract.buyingService, phase: t.contract.phase,
      decidedOn: t.answeredAt!.toISOString().slice(0, 10),
      sustainablePotential: answer.data.sustainablePotential, actionsRetained: answer.data.actionsRetained,
      goals: answer.data.targetedFor.map((goal) => ({ goal, outcome: outcome(goal) })),
    }];
  });
}
