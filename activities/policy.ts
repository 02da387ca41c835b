import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { parse } from 'yaml';
import { PolicySchema, type Policy } from '../domain/policy';
import type { Db } from '../lib/db';
import { latestPolicy } from '../reports/policy-of';
import { appPath } from '../lib/paths';

/** Where the collectivities' policy files are: `policies/<collectivity>.yaml`. */
export const POLICIES_DIR = appPath('policies');

export interface PolicyDeps {
  db: Db;
  policiesDir: string;
}

/**
 * The version a contract's cycle pins: the collectivity's policy file is validated and stored (a version already
 * stored is kept), then the latest version is returned, whether it came from a file or was published in the browser
 * (web/admin/policy-versions.ts).
 */
export function createPolicyActivities({ db, policiesDir }: PolicyDeps) {
  return {
    async loadPolicy(collectivityId: string): Promise<Policy> {
      const fromFile = await readPolicy(policiesDir, collectivityId);
      // A stored version is kept as it was: one read instead of a transaction per contract (an import starts hundreds).
      const key = { collectivityId_version: { collectivityId, version: fromFile.version } };
      if (!(await db.policyVersion.findUnique({ where: key, select: { version: true } }))) await storePolicy(db, fromFile);
      return (await latestPolicy(db, collectivityId)) ?? fromFile;
    },
  };
}

/** Records a policy version, its collectivity and its partners; a version already stored is kept as it was. */
export async function storePolicy(db: Db, policy: Policy): Promise<void> {
  const content = JSON.parse(JSON.stringify(policy));
  const checksum = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  const { siret: _siret, communes: _communes, ...c } = policy.collectivity;
  await db.$transaction([
    db.collectivity.upsert({ where: { id: c.id }, create: { ...c }, update: { ...c } }),
    db.policyVersion.upsert({
      where: { collectivityId_version: { collectivityId: c.id, version: policy.version } },
      create: { collectivityId: c.id, version: policy.version, validFrom: new Date(policy.validFrom), checksum, content },
      update: {},
    }),
    ...policy.partners.map((p) =>
      db.partner.upsert({
        where: { collectivityId_id: { collectivityId: c.id, id: p.id } },
        create: { collectivityId: c.id, ...p },
        update: { name: p.name, email: p.email, role: p.role, involvedAt: p.involvedAt },
      }),
    ),
  ]);
}

/**
 * At start: every policy file is validated and stored, so each collectivity exists before its first contract. One
 * invalid file stops the start with every problem named, rather than failing later on a contract.
 */
export async function storeAllPolicies(db: Db, policiesDir: string): Promise<Policy[]> {
  const policies = await Promise.all((await knownCollectivities(policiesDir)).map((id) => readPolicy(policiesDir, id)));
  for (const p of policies) await storePolicy(db, p);
  return policies;
}

/** The collectivities that have a policy file: the only ones contracts may be registered for. */
export async function knownCollectivities(policiesDir: string): Promise<string[]> {
  return (await readdir(policiesDir)).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}

export async function readPolicy(policiesDir: string, collectivityId: string): Promise<Policy> {
  if (!/^[a-z0-9-]+$/.test(collectivityId)) throw ApplicationFailure.nonRetryable(`Collectivité invalide : ${collectivityId}`, 'ValidationError');
  let text: string;
  try {
    text = await readFile(join(policiesDir, `${collectivityId}.yaml`), 'utf8');
  } catch {
    throw ApplicationFailure.nonRetryable(`Aucune politique pour la collectivité « ${collectivityId} »`, 'PolicyNotFound');
  }
  const parsed = PolicySchema.safeParse(parse(text));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw ApplicationFailure.nonRetryable(`Politique ${collectivityId} invalide : ${problems}`, 'ValidationError');
  }
  return parsed.data;
}

export type PolicyActivities = ReturnType<typeof createPolicyActivities>;
