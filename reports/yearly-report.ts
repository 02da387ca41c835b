/** The yearly SPASER report ("bilan annuel") of a collectivity: every listed indicator, against its targets. */
import { INDICATOR_CATALOG, LOCAL_LEVELS, type IndicatorInfo } from '../domain/indicator-catalog';
import type { IndicatorId, Policy } from '../domain/policy';
import type { Db } from '../lib/db';
import { figuresWithServices, localShareByLevel, type Figure } from './figures';

export interface TargetProgress {
  year: number;
  share: number;
  /** Value of the report year minus the target; ≥ 0 when met. */
  gap: number | null;
  met: boolean;
}

export interface IndicatorSection extends IndicatorInfo {
  indicator: IndicatorId;
  current: Figure;
  trend: Figure[];
  targets: TargetProgress[];
  byService: (Figure & { service: string })[];
  byLevel?: { level: string; label: string; numerator: number; denominator: number }[];
}

export interface YearlyReport {
  collectivity: Policy['collectivity'];
  policyVersion: string;
  /** The SPASER texts the policy cites: the report says what its targets come from. */
  sources: string[];
  year: number;
  years: number[];
  sections: IndicatorSection[];
}

/** How many years the trend shows, the report year included. */
const TREND_YEARS = 3;

export async function yearlyReport(db: Db, policy: Policy, year: number): Promise<YearlyReport> {
  const fromYear = year - TREND_YEARS + 1;
  const scope = { collectivityId: policy.collectivity.id, indicators: policy.indicators };
  const [{ figures: all, byService: services }, levels] = await Promise.all([
    figuresWithServices(db, { ...scope, fromYear, toYear: year }),
    policy.indicators.includes('local-share') ? localShareByLevel(db, policy.collectivity.id, year) : Promise.resolve([]),
  ]);
  const years = Array.from({ length: TREND_YEARS }, (_, i) => fromYear + i);
  const sections = policy.indicators.map((indicator): IndicatorSection => {
    const info = INDICATOR_CATALOG[indicator];
    const empty: Figure = { indicator, year, kind: info.kind, numerator: 0, denominator: info.kind === 'share' ? 0 : null, value: info.kind === 'share' ? null : 0 };
    const trend = years.map((y) => all.find((f) => f.indicator === indicator && f.year === y) ?? { ...empty, year: y });
    const current = trend.at(-1)!;
    const targets = policy.targets
      .filter((t) => t.indicator === indicator)
      .map((t) => {
        const gap = current.value === null ? null : current.value - t.share;
        return { year: t.year, share: t.share, gap, met: gap !== null && gap >= -1e-9 };
      });
    return {
      ...info, indicator, current, trend, targets,
      byService: services.filter((f) => f.indicator === indicator),
      byLevel: indicator === 'local-share'
        ? levels.map((l) => ({ ...l, label: LOCAL_LEVELS[l.level as keyof typeof LOCAL_LEVELS] ?? l.level }))
        : undefined,
    };
  });
  return { collectivity: policy.collectivity, policyVersion: policy.version, sources: policy.sources, year, years, sections };
}
