/** The policy a collectivity's report is measured against: its latest version as loaded by the workflows. */
import { PolicySchema, type Policy } from '../domain/policy';
import type { Db } from '../lib/db';

export async function latestPolicy(db: Db, collectivityId: string): Promise<Policy | undefined> {
  const row = await db.policyVersion.findFirst({ where: { collectivityId }, orderBy: [{ validFrom: 'desc' }, { loadedAt: 'desc' }] });
  return row ? PolicySchema.parse(row.content) : undefined;
}
