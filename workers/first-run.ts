/**
 * What `npm start` does before serving: every collectivity of `policies/` is validated and stored, so it exists
 * before its first contract; on a database without an administrator, a one-time link makes the first one.
 */
import { POLICIES_DIR, storeAllPolicies } from '../activities/policy';
import type { Config } from '../lib/config';
import { createDb } from '../lib/db';
import type { Logger } from '../lib/logger';
import { firstAdminLink } from '../web/auth/first-admin';

export async function firstRun(config: Config, logger: Logger, policiesDir = POLICIES_DIR): Promise<void> {
  const db = createDb(config.databaseUrl);
  try {
    const policies = await storeAllPolicies(db, policiesDir);
    logger.info(`collectivités chargées : ${policies.map((p) => `${p.collectivity.name} (politique ${p.version})`).join(', ')}`);
    const link = await firstAdminLink(db, config.web.publicUrl);
    if (link) logger.info(`Aucun administrateur : ouvrez ce lien pour créer le premier (une seule fois, valable 24 heures) : ${link}`);
  } finally {
    await db.$disconnect();
  }
}
