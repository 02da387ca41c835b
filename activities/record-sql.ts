/**
 * A workflow transition written in two SQL statements in one transaction (issue 20): the profile of the bench's
 * worker showed Prisma's query compiler and client (wasm + runtime) as the largest cost of the product's own code,
 * about 0.2 CPU-seconds per lifecycle, for about ten statements per transition. Here the rows go as JSON parameters
 * to one statement of data-modifying CTEs (constraints are checked at its end, so its order does not matter), then
 * one statement marks the superseded indicator events, which must see the new ones.
 */
import { Prisma } from '../prisma/generated/client';
import type { Transition } from '../domain/records';
import type { Db } from '../lib/db';

type OutboxRow = { id: string; topic: string; key: string; value: unknown };

const rows = (value: unknown[]) => JSON.stringify(value);

export async function writeTransition(db: Db, t: Transition, outbox: OutboxRow[]): Promise<void> {
  const c = t.contract;
  const f = c?.facts;
  const suppliers = c?.supplier ? [{ ...c.supplier }] : [];
  const contracts = c && f ? [{
    id: f.id, collectivity_id: f.collectivityId, cycle: c.cycle, object: f.object, nature: f.nature, cpv: f.cpv,
    estimated_amount_ht: f.estimatedAmountHT, awarded_amount_ht: c.awardedAmountHT ?? null, procedure: f.procedure, lots: f.lots,
    duration_months: f.durationMonths, planned_award_date: f.plannedAwardDate, notified_on: c.notifiedOn ?? null, start_date: c.startDate ?? null,
    end_date: c.endDate ?? null, recurring: f.recurring, buying_service: f.buyingService, buyer_name: f.buyer.name, buyer_email: f.buyer.email,
    manager_email: f.manager?.email ?? null, phase: c.phase, status: c.status, supplier_siret: c.supplier?.siret ?? null,
    social: c.considerations?.social ?? [], environmental: c.considerations?.environmental ?? [],
  }] : [];
  const tasks = (t.tasks ?? []).map((k) => ({
    id: k.id, kind: k.kind, phase: k.phase, year: k.year ?? null, title: k.title, why: k.why, source: k.source, assignee_email: k.assigneeEmail,
    due_at: k.dueAt, status: k.status, answer: k.answer === undefined ? null : k.answer, answered_by: k.answeredBy ?? null,
    answered_at: k.answeredAt ?? null, reminders: k.reminders, escalated_at: k.escalatedAt ?? null,
  }));
  const audit = t.audit.map((a) => ({ id: a.id, at: a.at, actor: a.actor, action: a.action, detail: a.detail }));
  const indicators = t.indicators.map((e) => ({
    id: e.id, indicator: e.indicator, year: e.year, value: e.value, in_denominator: e.inDenominator, dimensions: e.dimensions ?? null, occurred_at: e.occurredAt,
  }));
  const notifications = t.notifications.map((n) => ({ id: n.id, kind: n.kind, to: n.to, cc: n.cc ?? [], task_id: n.taskId ?? null, data: n.data, partner_id: n.partnerId ?? null }));
  const partners = [...new Set(t.notifications.flatMap((n) => (n.partnerId ? [n.partnerId] : [])))];
  const utc = (column: string) => Prisma.raw(`(${column}::timestamptz AT TIME ZONE 'UTC')`);

  const write = db.$executeRaw`
    WITH
    supplier AS (
      INSERT INTO suppliers (siret, name, size, social_status, departement, region, commune)
      SELECT s.siret, s.name, s.size::"SupplierSize", s."socialStatus", s.departement, s.region, s.commune
        FROM jsonb_to_recordset(${rows(suppliers)}::jsonb) AS s(siret text, name text, size text, "socialStatus" text, departement text, region text, commune text)
      ON CONFLICT (siret) DO UPDATE SET
        name = COALESCE(EXCLUDED.name, suppliers.name), size = COALESCE(EXCLUDED.size, suppliers.size),
        social_status = COALESCE(EXCLUDED.social_status, suppliers.social_status), departement = COALESCE(EXCLUDED.departement, suppliers.departement),
        region = COALESCE(EXCLUDED.region, suppliers.region), commune = COALESCE(EXCLUDED.commune, suppliers.commune)
      RETURNING 1),
    contract AS (
      INSERT INTO contracts (id, collectivity_id, cycle, object, nature, cpv, estimated_amount_ht, awarded_amount_ht, procedure, lots, duration_months,
        planned_award_date, notified_on, start_date, end_date, recurring, buying_service, buyer_name, buyer_email, manager_email, phase, status,
        policy_version, workflow_id, supplier_siret, social_considerations, environmental_considerations, updated_at)
      SELECT c.id, c.collectivity_id, c.cycle, c.object, c.nature::"Nature", c.cpv, c.estimated_amount_ht, c.awarded_amount_ht, c.procedure, c.lots,
        c.duration_months, c.planned_award_date, c.notified_on, c.start_date, c.end_date, c.recurring, c.buying_service, c.buyer_name, c.buyer_email,
        c.manager_email, c.phase, c.status::"ContractStatus", ${t.policyVersion}, ${t.workflowId}, c.supplier_siret,
        ARRAY(SELECT jsonb_array_elements_text(c.social)), ARRAY(SELECT jsonb_array_elements_text(c.environmental)), now() AT TIME ZONE 'UTC'
        FROM jsonb_to_recordset(${rows(contracts)}::jsonb) AS c(id text, collectivity_id text, cycle int, object text, nature text, cpv text,
          estimated_amount_ht numeric, awarded_amount_ht numeric, procedure text, lots int, duration_months int, planned_award_date date, notified_on date,
          start_date date, end_date date, recurring boolean, buying_service text, buyer_name text, buyer_email text, manager_email text, phase text,
          status text, supplier_siret text, social jsonb, environmental jsonb)
      ON CONFLICT (id) DO UPDATE SET
        collectivity_id = EXCLUDED.collectivity_id, cycle = EXCLUDED.cycle, object = EXCLUDED.object, nature = EXCLUDED.nature, cpv = EXCLUDED.cpv,
        estimated_amount_ht = EXCLUDED.estimated_amount_ht, awarded_amount_ht = COALESCE(EXCLUDED.awarded_amount_ht, contracts.awarded_amount_ht),
        procedure = EXCLUDED.procedure, lots = EXCLUDED.lots, duration_months = EXCLUDED.duration_months, planned_award_date = EXCLUDED.planned_award_date,
        notified_on = COALESCE(EXCLUDED.notified_on, contracts.notified_on), start_date = COALESCE(EXCLUDED.start_date, contracts.start_date),
        end_date = COALESCE(EXCLUDED.end_date, contracts.end_date), recurring = EXCLUDED.recurring, buying_service = EXCLUDED.buying_service,
        buyer_name = EXCLUDED.buyer_name, buyer_email = EXCLUDED.buyer_email, manager_email = COALESCE(EXCLUDED.manager_email, contracts.manager_email),
        phase = EXCLUDED.phase, status = EXCLUDED.status, policy_version = EXCLUDED.policy_version, workflow_id = EXCLUDED.workflow_id,
        supplier_siret = COALESCE(EXCLUDED.supplier_siret, contracts.supplier_siret), social_considerations = EXCLUDED.social_considerations,
        environmental_considerations = EXCLUDED.environmental_considerations, updated_at = EXCLUDED.updated_at
      RETURNING 1),
    task AS (
      INSERT INTO tasks (id, contract_id, kind, phase, year, title, why, source, assignee_email, due_at, status, answer, answered_by, answered_at,
        reminders, escalated_at, updated_at)
      SELECT k.id, ${t.contractId}, k.kind, k.phase, k.year, k.title, k.why, k.source, k.assignee_email, ${utc('k.due_at')}, k.status::"TaskStatus",
        k.answer, k.answered_by, ${utc('k.answered_at')}, k.reminders, ${utc('k.escalated_at')}, now() AT TIME ZONE 'UTC'
        FROM jsonb_to_recordset(${rows(tasks)}::jsonb) AS k(id text, kind text, phase text, year int, title text, why text, source text,
          assignee_email text, due_at text, status text, answer jsonb, answered_by text, answered_at text, reminders int, escalated_at text)
      ON CONFLICT (id) DO UPDATE SET
        status = EXCLUDED.status, assignee_email = EXCLUDED.assignee_email, answer = COALESCE(EXCLUDED.answer, tasks.answer),
        answered_by = COALESCE(EXCLUDED.answered_by, tasks.answered_by), answered_at = COALESCE(EXCLUDED.answered_at, tasks.answered_at),
        reminders = EXCLUDED.reminders, escalated_at = COALESCE(EXCLUDED.escalated_at, tasks.escalated_at), updated_at = EXCLUDED.updated_at
      RETURNING 1),
    audit AS (
      INSERT INTO audit_entries (id, contract_id, at, actor, action, detail, policy_version)
      SELECT a.id, ${t.contractId}, ${utc('a.at')}, a.actor, a.action, a.detail, ${t.policyVersion}
        FROM jsonb_to_recordset(${rows(audit)}::jsonb) AS a(id text, at text, actor text, action text, detail jsonb)
      ON CONFLICT (id) DO NOTHING
      RETURNING 1),
    indicator AS (
      INSERT INTO indicator_events (id, collectivity_id, contract_id, indicator, year, value, in_denominator, dimensions, policy_version, occurred_at, buying_service)
      SELECT e.id, ${t.collectivityId}, ${t.contractId}, e.indicator, e.year, e.value, e.in_denominator, e.dimensions, ${t.policyVersion},
        ${utc('e.occurred_at')}, ${t.buyingService}
        FROM jsonb_to_recordset(${rows(indicators)}::jsonb) AS e(id text, indicator text, year int, value numeric, in_denominator boolean, dimensions jsonb, occurred_at text)
      ON CONFLICT (id) DO NOTHING
      RETURNING 1),
    outbox AS (
      INSERT INTO outbox_messages (id, topic, key, value)
      SELECT o.id, o.topic, o.key, o.value FROM jsonb_to_recordset(${rows(outbox)}::jsonb) AS o(id text, topic text, key text, value jsonb)
      ON CONFLICT (id) DO NOTHING
      RETURNING 1),
    notification AS (
      INSERT INTO notifications (id, contract_id, kind, "to", cc, task_id, data, partner_id)
      SELECT n.id, ${t.contractId}, n.kind, ARRAY(SELECT jsonb_array_elements_text(n."to")), ARRAY(SELECT jsonb_array_elements_text(n.cc)), n.task_id, n.data, n.partner_id
        FROM jsonb_to_recordset(${rows(notifications)}::jsonb) AS n(id text, kind text, "to" jsonb, cc jsonb, task_id text, data jsonb, partner_id text)
      ON CONFLICT (id) DO NOTHING
      RETURNING 1),
    partner AS (
      INSERT INTO contract_partners (contract_id, partner_id, collectivity_id)
      SELECT ${t.contractId}, p, ${t.collectivityId} FROM jsonb_array_elements_text(${JSON.stringify(partners)}::jsonb) AS p
      ON CONFLICT DO NOTHING
      RETURNING 1)
    SELECT 1`;
  if (!indicators.length) {
    await write;
    return;
  }
  // Within one contract, indicator and year, the latest event counts and marks the others superseded: a correction
  // recomputes the figures of the year it belongs to. Idempotent and independent of arrival order.
  const keys = [...new Map(indicators.map((e) => [`${e.indicator}|${e.year}`, { indicator: e.indicator, year: e.year }])).values()];
  const supersede = db.$executeRaw`
    WITH keys AS (SELECT * FROM jsonb_to_recordset(${rows(keys)}::jsonb) AS k(indicator text, year int)),
    latest AS (
      SELECT DISTINCT ON (e.indicator, e.year) e.indicator, e.year, e.id
        FROM indicator_events e JOIN keys k ON k.indicator = e.indicator AND k.year = e.year
       WHERE e.contract_id = ${t.contractId}
       ORDER BY e.indicator, e.year, e.occurred_at DESC, e.recorded_at DESC, e.id DESC)
    UPDATE indicator_events e
       SET superseded_by = CASE WHEN e.id = l.id THEN NULL ELSE l.id END
      FROM latest l
     WHERE e.contract_id = ${t.contractId} AND e.indicator = l.indicator AND e.year = l.year
       AND e.superseded_by IS DISTINCT FROM (CASE WHEN e.id = l.id THEN NULL ELSE l.id END)`;
  await db.$transaction([write, supersede]);
}
