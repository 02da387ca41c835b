/**
 * No dead policy setting (issue 15): every leaf of PolicySchema is read by a code path of the product.
 * Two ways a setting counts as read, both precise:
 * - instrumented: both policies, wrapped in a Proxy that records every property read, go through the pure rules,
 *   answer checks, indicators and task timeline over representative contracts;
 * - textual, for what only workflows, pages, mails and reports read: a property access qualified by its parent
 *   (`leadTimesMonths.renewalStart`, `policy.version`), comments stripped, in the product's source folders. The
 *   schema itself (domain/policy.ts) and the loader that stores the policy (activities/policy.ts) do not count:
 *   storing a value is not using it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import { answerIssues, type Answers } from '../../domain/answers';
import type { ContractFacts } from '../../domain/contract';
import * as indicators from '../../domain/indicators';
import { CHECK_KINDS, PHASES, PolicySchema, type Policy } from '../../domain/policy';
import * as rules from '../../domain/rules';
import { taskTimeline } from '../../domain/task-timeline';
import type { Db } from '../../lib/db';
import { yearlyReport } from '../../reports/yearly-report';
import { answers, contractFacts } from '../support/contracts';

const ROOT = join(import.meta.dirname, '../..');
const PRODUCT_FOLDERS = ['domain', 'workflows', 'activities', 'web', 'reports', 'mail', 'events', 'workers', 'lib'];
const NOT_READERS = ['domain/policy.ts', 'activities/policy.ts'];

type Schema = z.ZodType;
const unwrap = (s: Schema): Schema => (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable ? unwrap(s.unwrap() as Schema) : s);
const isObject = (s: Schema) => unwrap(s) instanceof z.ZodObject;

/** The leaf settings of a schema: `thresholds.reservationUpTo`, `partners.[].involvedAt`, `checks.*.source`. */
export function leafPaths(schema: Schema, path: string[] = []): string[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return Object.entries(s.shape as Record<string, Schema>).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  if (s instanceof z.ZodArray && isObject(s.element as Schema)) return leafPaths(s.element as Schema, [...path, '[]']);
  if (s instanceof z.ZodRecord && isObject(s.valueType as Schema)) return leafPaths(s.valueType as Schema, [...path, '*']);
  return [path.join('.')];
}

/** Wraps a value so every read of a schema property is recorded under its normalised path. */
function tracked<T>(value: T, schema: Schema, reads: Set<string>, path: string[] = []): T {
  if (value === null || typeof value !== 'object') return value;
  const s = unwrap(schema);
  return new Proxy(value as object, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string') return v;
      let child: Schema | undefined;
      let segment = prop;
      if (s instanceof z.ZodObject) child = (s.shape as Record<string, Schema>)[prop];
      else if (s instanceof z.ZodArray && /^\d+$/.test(prop)) [child, segment] = [s.element as Schema, '[]'];
      else if (s instanceof z.ZodRecord && Object.hasOwn(target, prop)) [child, segment] = [s.valueType as Schema, '*'];
      if (!child) return v;
      const p = [...path, segment];
      reads.add(p.join('.'));
      return tracked(v, child, reads, p);
    },
  }) as T;
}

const day = Date.UTC(2027, 0, 4);
const contract = (o: Partial<ContractFacts>) => contractFacts(day, 30, o);
/** Contracts that reach every branch of the rules: works and large works, food, cleaning, promotional items, MAPA, short and long, recurring. */
const CONTRACTS: ContractFacts[] = [
  contract({ nature: 'works', cpv: '45210000', estimatedAmountHT: 6_000_000, procedure: 'appel-offres', durationMonths: 48, recurring: true, lots: 4 }),
  contract({ nature: 'supplies', cpv: '15800000', estimatedAmountHT: 60_000, procedure: 'mapa', durationMonths: 6 }),
  contract({ nature: 'services', cpv: '90910000', estimatedAmountHT: 20_000, procedure: 'mapa', durationMonths: 24, recurring: true }),
  contract({ nature: 'supplies', cpv: '39294100', estimatedAmountHT: 150_000, procedure: 'appel-offres', durationMonths: 36 }),
  contract({ nature: 'services', cpv: '55523100', estimatedAmountHT: 300_000, procedure: 'appel-offres', durationMonths: 12 }),
];

/** What a contract under a policy reads through the pure functions, from programming to execution. */
async function exercise(policy: Policy, facts: ContractFacts): Promise<void> {
  const award = answers.award(day, facts.durationMonths, { labelsHeld: [{ name: 'Écolabel européen', validUntil: '2028-06-30' }] }) as Answers['award-record'];
  const decisions: rules.Decisions = {
    sourcing: { sessionHeld: true, inclusiveOffersFound: true } as Answers['sourcing'],
    'insertion-clause': { feasible: true, hours: 500 } as Answers['insertion-clause'],
    'award-record': award,
  };
  const ctx: rules.CheckContext = { contract: facts, policy, decisions };
  const specs = [
    ...rules.programmingChecks(ctx), ...rules.sourcingChecks(ctx), ...rules.cadChecks(ctx), ...rules.consultationChecks(ctx),
    ...rules.awardChecks(ctx), ...rules.kickoffChecks(ctx), ...rules.executionChecks(ctx, 1, '2029-01-01'),
  ];
  for (const phase of PHASES) rules.phaseNotices(ctx, phase, specs);
  const rechecks = rules.labelRechecks(ctx, '2030-12-31');
  rules.labelRecheckCheck(ctx, rechecks);
  rules.programmingDueDate(ctx);
  for (const kind of CHECK_KINDS) {
    for (const sample of SAMPLE_ANSWERS[kind] ?? [{}]) answerIssues(kind, sample, { contract: facts, policy });
  }
  if (award.outcome === 'awarded') indicators.awardIndicators(facts, decisions, award, policy);
  indicators.unsuccessfulIndicators('2027-01-04', policy);
  indicators.sourcingIndicators('2027-01-04', decisions, policy);
  indicators.insertionHoursIndicators(2027, 100, policy);
  taskTimeline(day, policy.tasks);
  await yearlyReport(NO_ROWS, policy, 2027);
}

/** The report's queries find nothing: what it reads of the policy does not depend on the figures. */
const NO_ROWS = { $queryRaw: async () => [] } as unknown as Db;

const SAMPLE_ANSWERS: Partial<Record<(typeof CHECK_KINDS)[number], unknown[]>> = {
  'sme-advance': [{ smeAdvancePercent: 5, guaranteeRequired: true }, { smeAdvancePercent: 30, guaranteeRequired: false }],
  'fair-trade': [{ fairTradeRequired: true, labelsRequired: ['Inconnu'] }],
};

/** Source text of the product, comments stripped, per file. */
function productSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const rel = join(dir, name);
      if (name === 'node_modules' || name === 'generated') continue;
      if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
      else if (/\.(ts|eta)$/.test(name) && !NOT_READERS.includes(rel)) {
        const text = readFileSync(join(ROOT, rel), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
        out.push({ file: rel, text });
      }
    }
  };
  for (const folder of PRODUCT_FOLDERS) walk(folder);
  return out;
}

/** A property access qualified by its parent object's key (or a policy variable for top-level keys). */
function readInText(path: string, sources: { file: string; text: string }[]): string | undefined {
  const segments = path.split('.');
  if (segments.some((s) => s === '[]' || s === '*')) return undefined; // elements of lists and maps: instrumented only
  const key = segments.at(-1)!;
  const parent = segments.length > 1 ? segments.at(-2)! : '[A-Za-z]*[pP]olicy';
  const access = new RegExp(`\\b${parent}\\??\\.${key}\\b|\\b${parent}\\??\\[['"]${key}['"]\\]`);
  // The loader stores some top-level settings as columns of policy_versions: a query that reads the column uses it.
  const column = segments.length === 1 ? new RegExp(`\\.policyVersion\\.\\w+\\(\\{[^;]*\\b${key}\\b`) : undefined;
  return sources.find((s) => access.test(s.text) || column?.test(s.text))?.file;
}

/** The settings of `schema` that neither way finds read. */
async function deadSettings(schema: Schema, policies: Policy[]): Promise<string[]> {
  const reads = new Set<string>();
  for (const policy of policies) for (const facts of CONTRACTS) await exercise(tracked(policy, schema, reads), facts);
  const sources = productSources();
  return leafPaths(schema).filter((path) => !reads.has(path) && !readInText(path, sources));
}

let policies: Policy[];
beforeAll(async () => {
  policies = await Promise.all(['clermont', 'dijon'].map((id) => readPolicy(POLICIES_DIR, id)));
});

describe('no dead policy setting', () => {
  it('walks every leaf of the schema, nested objects, list elements and map values included', () => {
    const leaves = leafPaths(PolicySchema);
    expect(leaves.length).toBeGreaterThan(40);
    expect(leaves).toEqual(expect.arrayContaining([
      'collectivity.name', 'thresholds.internalFollowUp', 'leadTimesMonths.programmingLatest', 'partners.[].involvedAt',
      'checks.*.source', 'targets.[].share', 'labelRecheckDaysBefore', 'cpvFamilies',
    ]));
  });

  it('finds a setting nothing reads, and one read only by a pure rule (the detector is not vacuous)', async () => {
    const withDead = PolicySchema.extend({ neverRead: z.number(), thresholds: PolicySchema.shape.thresholds.extend({ alsoNeverRead: z.number() }) });
    const dead = await deadSettings(withDead, policies.map((p) => ({ ...p, neverRead: 1, thresholds: { ...p.thresholds, alsoNeverRead: 2 } }) as Policy));
    expect(dead).toEqual(expect.arrayContaining(['neverRead', 'thresholds.alsoNeverRead']));
    const reads = new Set<string>();
    rules.consultationChecks({ contract: CONTRACTS[0]!, policy: tracked(policies[0]!, PolicySchema, reads), decisions: {} });
    expect(reads).toContain('thresholds.insertionClauseAbove');
    expect(reads).toContain('checks.*.source');
    expect(reads).not.toContain('labelRecheckDaysBefore');
  });

  it('exercises only functions the product calls: a rule kept for this test alone would not count', () => {
    const exercised = [
      'programmingChecks', 'sourcingChecks', 'cadChecks', 'consultationChecks', 'awardChecks', 'kickoffChecks', 'executionChecks',
      'phaseNotices', 'labelRechecks', 'labelRecheckCheck', 'programmingDueDate', 'answerIssues', 'awardIndicators',
      'unsuccessfulIndicators', 'sourcingIndicators', 'insertionHoursIndicators', 'taskTimeline', 'yearlyReport',
    ];
    const callers = productSources().filter((f) => !f.file.startsWith('domain/'));
    const uncalled = exercised.filter((name) => !callers.some((f) => new RegExp(`\\b${name}\\(`).test(f.text)));
    expect(uncalled).toEqual([]);
  });

  it('every setting of the policy schema is read by a code path of the product', async () => {
    expect(await deadSettings(PolicySchema, policies)).toEqual([]);
  });
});
