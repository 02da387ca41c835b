/**
 * The SPASER figures, computed in SQL over the indicator events that are not superseded (a correction supersedes the
 * earlier event of its contract, indicator and year; activities/records.ts). A share is numerator / denominator over
 * the events in the denominator; a count or a sum adds the values.
 */
import { INDICATOR_CATALOG, type IndicatorKind } from '../domain/indicator-catalog';
import type { IndicatorId } from '../domain/policy';
import type { Db } from '../lib/db';

export interface Figure {
  indicator: IndicatorId;
  year: number;
  kind: IndicatorKind;
  /** Shares: contracts counted; counts and sums: the total. */
  numerator: number;
  /** Shares only: contracts in the denominator. */
  denominator: number | null;
  /** Shares: numerator / denominator (null when nobody is in the denominator); counts and sums: the total. */
  value: number | null;
}

export interface Scope {
  collectivityId: string;
  indicators: readonly IndicatorId[];
  fromYear: number;
  toYear: number;
  service?: string;
}

interface Row {
  indicator: string;
  year: number;
  service: string | null;
  numerator: number;
  denominator: number;
  total: number;
}

function toFigure(r: Omit<Row, 'service'>): Figure {
  const kind = INDICATOR_CATALOG[r.indicator as IndicatorId].kind;
  if (kind !== 'share') return { indicator: r.indicator as IndicatorId, year: r.year, kind, numerator: r.total, denominator: null, value: r.total };
  return { indicator: r.indicator as IndicatorId, year: r.year, kind, numerator: r.numerator, denominator: r.denominator, value: r.denominator ? r.numerator / r.denominator : null };
}

/**
 * One scan of the live events, grouped by indicator, year and buying service (stamped on each event): the report's
 * totals and its breakdown by service are both sums of these rows. The scan sums the values and counts the events,
 * split by `in_denominator`, rather than computing three filtered aggregates per row: the report costs little more
 * than a plain aggregate (bench, "bilan annuel").
 */
async function rowsByService(db: Db, s: Omit<Scope, 'service'>): Promise<Row[]> {
  const groups = await db.$queryRaw<{ indicator: string; year: number; service: string | null; inDenominator: boolean; sum: number; count: number }[]>`
    SELECT e.indicator, e.year, e.buying_service AS service, e.in_denominator AS "inDenominator",
           SUM(e.value)::float8 AS sum, COUNT(*)::int AS count
      FROM indicator_events e
     WHERE e.collectivity_id = ${s.collectivityId} AND e.superseded_by IS NULL
       AND e.year BETWEEN ${s.fromYear} AND ${s.toYear} AND e.indicator = ANY(${[...s.indicators]})
     GROUP BY 1, 2, 3, 4`;
  return [...rollUp(groups.map((g) => ({
    indicator: g.indicator, year: g.year, service: g.service,
    numerator: g.inDenominator ? g.sum : 0, denominator: g.inDenominator ? g.count : 0, total: g.sum,
  })), (r) => `${r.indicator}|${r.year}|${r.service}`).values()];
}

function rollUp(rows: Row[], key: (r: Row) => string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const r of rows) {
    const k = key(r);
    const acc = out.get(k);
    if (!acc) out.set(k, { ...r });
    else Object.assign(acc, { numerator: acc.numerator + r.numerator, denominator: acc.denominator + r.denominator, total: acc.total + r.total });
  }
  return out;
}

const byIndicatorYear = (a: Figure, b: Figure) => a.indicator.localeCompare(b.indicator) || a.year - b.year;

/** Every listed indicator, every year of the range (for one service, if given). */
export async function figures(db: Db, s: Scope): Promise<Figure[]> {
  const rows = (await rowsByService(db, s)).filter((r) => !s.service || r.service === s.service);
  return [...rollUp(rows, (r) => `${r.indicator}|${r.year}`).values()].map(toFigure).sort(byIndicatorYear);
}

/** The figures of a range of years, and of its last year by buying service, from one scan. */
export async function figuresWithServices(db: Db, s: Omit<Scope, 'service'>): Promise<{ figures: Figure[]; byService: (Figure & { service: string })[] }> {
  const rows = await rowsByService(db, s);
  const totals = [...rollUp(rows, (r) => `${r.indicator}|${r.year}`).values()].map(toFigure).sort(byIndicatorYear);
  const byService = rows
    .filter((r) => r.year === s.toYear)
    .map((r) => ({ ...toFigure(r), service: r.service ?? 'non renseigné' }))
    .sort((a, b) => a.indicator.localeCompare(b.indicator) || a.service.localeCompare(b.service));
  return { figures: totals, byService };
}

/** `local-share` by supplier level: each level's share of all the year's contracts. */
export async function localShareByLevel(db: Db, collectivityId: string, year: number): Promise<{ level: string; numerator: number; denominator: number }[]> {
  return db.$queryRaw`
    SELECT e.dimensions->>'level' AS level,
           COUNT(*)::int AS numerator,
           (SUM(COUNT(*)) OVER ())::int AS denominator
      FROM indicator_events e
     WHERE e.collectivity_id = ${collectivityId} AND e.superseded_by IS NULL AND e.year = ${year}
       AND e.indicator = 'local-share' AND e.in_denominator
     GROUP BY e.dimensions->>'level'
     ORDER BY 1`;
}

export interface DrillDownRow {
  contractId: string;
  object: string;
  buyingService: string;
  value: number;
  inDenominator: boolean;
  eventId: string;
  occurredAt: Date;
}

/** The contracts behind one figure: those in the denominator (shares) or with a value, with the event that counts. */
export async function drillDown(db: Db, collectivityId: string, indicator: IndicatorId, year: number): Promise<DrillDownRow[]> {
  return db.$queryRaw`
    SELECT e.contract_id AS "contractId", c.object, c.buying_service AS "buyingService", e.value::float8 AS value,
           e.in_denominator AS "inDenominator", e.id AS "eventId", e.occurred_at AS "occurredAt"
      FROM indicator_events e JOIN contracts c ON c.id = e.contract_id
     WHERE e.collectivity_id = ${collectivityId} AND e.superseded_by IS NULL AND e.year = ${year} AND e.indicator = ${indicator}
       AND (e.in_denominator OR e.value <> 0)
     ORDER BY e.contract_id`;
}
