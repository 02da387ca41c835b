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
  numerator: number;
  denominator: number;
  total: number;
  group: string | null;
}

function toFigure(r: Row): Figure {
  const kind = INDICATOR_CATALOG[r.indicator as IndicatorId].kind;
  if (kind !== 'share') return { indicator: r.indicator as IndicatorId, year: r.year, kind, numerator: r.total, denominator: null, value: r.total };
  return { indicator: r.indicator as IndicatorId, year: r.year, kind, numerator: r.numerator, denominator: r.denominator, value: r.denominator ? r.numerator / r.denominator : null };
}

/** One query: every listed indicator, every year of the range. */
export async function figures(db: Db, s: Scope): Promise<Figure[]> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT e.indicator, e.year,
           COALESCE(SUM(e.value) FILTER (WHERE e.in_denominator), 0)::float8 AS numerator,
           COUNT(*) FILTER (WHERE e.in_denominator)::int AS denominator,
           COALESCE(SUM(e.value), 0)::float8 AS total,
           NULL AS "group"
      FROM indicator_events e
     WHERE e.collectivity_id = ${s.collectivityId} AND e.superseded_by IS NULL
       AND e.year BETWEEN ${s.fromYear} AND ${s.toYear} AND e.indicator = ANY(${[...s.indicators]})
       AND (${s.service ?? null}::text IS NULL OR EXISTS (
             SELECT 1 FROM contracts c WHERE c.id = e.contract_id AND c.buying_service = ${s.service ?? null}))
     GROUP BY e.indicator, e.year
     ORDER BY e.indicator, e.year`;
  return rows.map(toFigure);
}

/** The figures of one year, by buying service. */
export async function figuresByService(db: Db, s: Omit<Scope, 'fromYear' | 'toYear' | 'service'>, year: number): Promise<(Figure & { service: string })[]> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT e.indicator, e.year,
           COALESCE(SUM(e.value) FILTER (WHERE e.in_denominator), 0)::float8 AS numerator,
           COUNT(*) FILTER (WHERE e.in_denominator)::int AS denominator,
           COALESCE(SUM(e.value), 0)::float8 AS total,
           c.buying_service AS "group"
      FROM indicator_events e JOIN contracts c ON c.id = e.contract_id
     WHERE e.collectivity_id = ${s.collectivityId} AND e.superseded_by IS NULL AND e.year = ${year}
       AND e.indicator = ANY(${[...s.indicators]})
     GROUP BY e.indicator, e.year, c.buying_service
     ORDER BY e.indicator, c.buying_service`;
  return rows.map((r) => ({ ...toFigure(r), service: r.group ?? '' }));
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
