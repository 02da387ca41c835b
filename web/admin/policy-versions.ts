/**
 * A collectivity's policy in the browser: its versions, a readable difference between two of them, and a new version
 * published by an administrator from a YAML file. A published version is validated like a policy file (each problem
 * with its line and field) and applies from each contract's next cycle: the workflows pin the latest version
 * (activities/policy.ts) when a cycle starts, as with a file.
 */
import { randomUUID } from 'node:crypto';
import diff from 'microdiff';
import { LineCounter, parseDocument } from 'yaml';
import { storePolicy } from '../../activities/policy';
import { PolicySchema, type Policy } from '../../domain/policy';
import type { Db } from '../../lib/db';
import { latestPolicy } from '../../reports/policy-of';
import type { Viewer } from '../access';

export interface PolicyProblem {
  line?: number;
  field?: string;
  message: string;
}

export async function versions(db: Db, collectivityId: string) {
  return db.policyVersion.findMany({ where: { collectivityId }, orderBy: [{ validFrom: 'desc' }, { loadedAt: 'desc' }], select: { version: true, validFrom: true, loadedAt: true, checksum: true } });
}

/** One line per setting that differs, `thresholds.reservationUpTo : 90000 → (absent)`, in the order of the policy. */
export async function versionDiff(db: Db, collectivityId: string, from: string, to: string): Promise<{ path: string; before: string; after: string }[] | undefined> {
  const [a, b] = await Promise.all([from, to].map((version) => db.policyVersion.findUnique({ where: { collectivityId_version: { collectivityId, version } } })));
  if (!a || !b) return undefined;
  const shown = (v: unknown) => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v));
  return diff(a.content as Record<string, unknown>, b.content as Record<string, unknown>).map((d) => ({
    path: d.path.join('.'),
    before: d.type === 'CREATE' ? '(absent)' : shown(d.oldValue),
    after: d.type === 'REMOVE' ? '(absent)' : shown(d.value),
  }));
}

/** Validates a policy file's text; each problem names its line (when the file has it) and its field. */
export function readPolicyText(text: string): { policy: Policy } | { problems: PolicyProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) return { problems: doc.errors.map((e) => ({ line: e.linePos?.[0].line, message: `YAML illisible : ${e.message.split('\n')[0]}` })) };
  const parsed = PolicySchema.safeParse(doc.toJS());
  if (parsed.success) return { policy: parsed.data };
  return {
    problems: parsed.error.issues.map((issue) => {
      // The nearest node the file has for the path: a missing field is reported at its parent.
      let node: unknown;
      for (let n = issue.path.length; n >= 0 && !node; n--) node = doc.getIn(issue.path.slice(0, n) as (string | number)[], true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      return { line: range ? lines.linePos(range[0]).line : undefined, field: issue.path.join('.') || undefined, message: issue.message };
    }),
  };
}

/** Publishes a new version for the administrator's collectivity, audited; refuses what would not apply. */
export async function publishVersion(db: Db, admin: Viewer, text: string): Promise<{ policy: Policy } | { problems: PolicyProblem[] }> {
  const read = readPolicyText(text);
  if ('problems' in read) return read;
  const { policy } = read;
  const problems: PolicyProblem[] = [];
  if (policy.collectivity.id !== admin.collectivityId) problems.push({ field: 'collectivity.id', message: `la politique est celle de « ${policy.collectivity.id} », vous administrez « ${admin.collectivityId} »` });
  const current = await latestPolicy(db, admin.collectivityId);
  if (await db.policyVersion.findUnique({ where: { collectivityId_version: { collectivityId: admin.collectivityId, version: policy.version } } })) {
    problems.push({ field: 'version', message: `la version ${policy.version} existe déjà : donnez un nouveau numéro de version` });
  }
  if (current && policy.validFrom < current.validFrom) {
    problems.push({ field: 'validFrom', message: `au plus tôt le ${current.validFrom}, date d’application de la version en vigueur (${current.version})` });
  }
  if (problems.length) return { problems };
  await storePolicy(db, policy);
  await db.adminAudit.create({ data: { id: randomUUID(), collectivityId: admin.collectivityId, actor: admin.email, action: 'policy.published', detail: { version: policy.version, validFrom: policy.validFrom } } });
  return { policy };
}
