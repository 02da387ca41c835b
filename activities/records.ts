import type { Prisma } from '../prisma/generated/client';
import type { ContractRecord, Transition } from '../domain/records';
import type { Db } from '../lib/db';

const json = (v: unknown) => v as Prisma.InputJsonValue;
const date = (iso?: string) => (iso ? new Date(iso) : undefined);

export interface RecordDeps {
  db: Db;
  /** Where the outbox relay publishes what a transition records. */
  outboxTopics: { indicatorEvents: string; taskEvents: string };
}

/**
 * Persists a workflow transition in one transaction, outbox included; every row has a deterministic id, so a retry
 * is a no-op.
 */
export function createRecordActivities({ db, outboxTopics }: RecordDeps) {
  return {
    async recordTransition(t: Transition): Promise<void> {
      await db.$transaction(async (tx) => {
        if (t.contract) await upsertContract(tx, t, t.contract);
        for (const task of t.tasks ?? []) {
          const data = {
            status: task.status, assigneeEmail: task.assigneeEmail, answer: task.answer === undefined ? undefined : json(task.answer), answeredBy: task.answeredBy,
            answeredAt: date(task.answeredAt), reminders: task.reminders, escalatedAt: date(task.escalatedAt),
          };
          await tx.task.upsert({
            where: { id: task.id },
            create: {
              id: task.id, contractId: t.contractId, kind: task.kind, phase: task.phase, year: task.year, title: task.title, why: task.why,
              source: task.source, dueAt: new Date(task.dueAt), ...data,
            },
            update: data,
          });
        }
        if (t.audit.length) {
          await tx.auditEntry.createMany({
            data: t.audit.map((a) => ({ ...a, at: new Date(a.at), detail: json(a.detail), contractId: t.contractId, policyVersion: t.policyVersion })),
            skipDuplicates: true,
          });
        }
        if (t.indicators.length) {
          await tx.indicatorEvent.createMany({
            data: t.indicators.map((e) => ({
              id: e.id, collectivityId: t.collectivityId, contractId: t.contractId, indicator: e.indicator, year: e.year, value: e.value,
              inDenominator: e.inDenominator, dimensions: e.dimensions ? json(e.dimensions) : undefined, policyVersion: t.policyVersion,
              occurredAt: new Date(e.occurredAt), buyingService: t.buyingService,
            })),
            skipDuplicates: true,
          });
          for (const key of new Set(t.indicators.map((e) => `${e.indicator}|${e.year}`))) {
            const [indicator, year] = key.split('|');
            await supersede(tx, t.contractId, indicator!, Number(year));
          }
        }
        const outbox = outboxMessages(t, outboxTopics);
        if (outbox.length) await tx.outboxMessage.createMany({ data: outbox, skipDuplicates: true });
        if (t.notifications.length) {
          await tx.notification.createMany({
            data: t.notifications.map((n) => ({ ...n, cc: n.cc ?? [], data: json(n.data), contractId: t.contractId })),
            skipDuplicates: true,
          });
          const partners = t.notifications.flatMap((n) => (n.partnerId ? [n.partnerId] : []));
          await tx.contractPartner.createMany({
            data: [...new Set(partners)].map((partnerId) => ({ contractId: t.contractId, partnerId, collectivityId: t.collectivityId })),
            skipDuplicates: true,
          });
        }
      });
    },
  };
}

/**
 * Within one contract, indicator and year, the latest event counts and marks the others superseded: a correction
 * recomputes the figures of the year it belongs to. Idempotent and independent of arrival order.
 */
async function supersede(tx: Prisma.TransactionClient, contractId: string, indicator: string, year: number): Promise<void> {
  await tx.$executeRaw`
    WITH latest AS (
      SELECT id FROM indicator_events
       WHERE contract_id = ${contractId} AND indicator = ${indicator} AND year = ${year}
       ORDER BY occurred_at DESC, recorded_at DESC, id DESC LIMIT 1)
    UPDATE indicator_events e
       SET superseded_by = CASE WHEN e.id = latest.id THEN NULL ELSE latest.id END
      FROM latest
     WHERE e.contract_id = ${contractId} AND e.indicator = ${indicator} AND e.year = ${year}
       AND e.superseded_by IS DISTINCT FROM (CASE WHEN e.id = latest.id THEN NULL ELSE latest.id END)`;
}

/** What the outside world hears of a transition: indicator events, and task events (opened, answered, ...). */
function outboxMessages(t: Transition, topics: RecordDeps['outboxTopics']) {
  const envelope = { collectivity: t.collectivityId, contractId: t.contractId, policyVersion: t.policyVersion };
  const indicators = t.indicators.map((e) => ({
    id: `out:${e.id}`, topic: topics.indicatorEvents, key: t.contractId,
    value: json({ eventId: e.id, type: 'indicator.recorded', ...envelope, ...e }),
  }));
  const tasks = t.audit
    .filter((a) => a.action.startsWith('task.'))
    .map((a) => ({
      id: `out:${a.id}`, topic: topics.taskEvents, key: t.contractId,
      value: json({ eventId: a.id, type: a.action, ...envelope, at: a.at, actor: a.actor, ...a.detail }),
    }));
  return [...indicators, ...tasks];
}

async function upsertContract(tx: Prisma.TransactionClient, t: Transition, c: ContractRecord): Promise<void> {
  if (c.supplier) {
    // One statement, not Prisma's select-then-insert upsert: two contracts of one supplier recorded at once would race
    // on its key. What the source does not say stays as known before (a DECP import after a buyer's award answer).
    const { siret, name, size, socialStatus, departement, region, commune } = c.supplier;
    await tx.$executeRaw`
      INSERT INTO suppliers (siret, name, size, social_status, departement, region, commune)
      VALUES (${siret}, ${name ?? null}, ${size ?? null}::"SupplierSize", ${socialStatus ?? null}, ${departement ?? null}, ${region ?? null}, ${commune ?? null})
      ON CONFLICT (siret) DO UPDATE SET
        name = COALESCE(EXCLUDED.name, suppliers.name), size = COALESCE(EXCLUDED.size, suppliers.size),
        social_status = COALESCE(EXCLUDED.social_status, suppliers.social_status), departement = COALESCE(EXCLUDED.departement, suppliers.departement),
        region = COALESCE(EXCLUDED.region, suppliers.region), commune = COALESCE(EXCLUDED.commune, suppliers.commune)`;
  }
  const f = c.facts;
  const data = {
    collectivityId: f.collectivityId, cycle: c.cycle, object: f.object, nature: f.nature, cpv: f.cpv, estimatedAmountHt: f.estimatedAmountHT,
    awardedAmountHt: c.awardedAmountHT, procedure: f.procedure, lots: f.lots, durationMonths: f.durationMonths,
    plannedAwardDate: new Date(f.plannedAwardDate), notifiedOn: date(c.notifiedOn), startDate: date(c.startDate), endDate: date(c.endDate),
    recurring: f.recurring, buyingService: f.buyingService, buyerName: f.buyer.name, buyerEmail: f.buyer.email, managerEmail: f.manager?.email,
    phase: c.phase, status: c.status, policyVersion: t.policyVersion, workflowId: t.workflowId, supplierSiret: c.supplier?.siret,
    socialConsiderations: c.considerations?.social ?? [], environmentalConsiderations: c.considerations?.environmental ?? [],
  };
  await tx.contract.upsert({ where: { id: f.id }, create: { id: f.id, ...data }, update: data });
}

export type RecordActivities = ReturnType<typeof createRecordActivities>;
