/**
 * System tokens: the credentials of procurement systems that post contract events over HTTP. Each belongs to one
 * collectivity, is shown once at creation and stored as SHA-256, like personal tokens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../lib/db';
import { hashOf, SYSTEM_PREFIX } from './tokens';

export async function createSystemToken(db: Db, collectivityId: string, label: string): Promise<{ id: string; token: string }> {
  const token = `${SYSTEM_PREFIX}${randomBytes(24).toString('base64url')}`;
  const id = randomUUID();
  await db.systemToken.create({ data: { id, collectivityId, label, hash: hashOf(token) } });
  return { id, token };
}

/** The collectivity a valid, unrevoked system token writes for; undefined for anything else. */
export async function collectivityOfSystemToken(db: Db, token: string): Promise<string | undefined> {
  if (!token.startsWith(SYSTEM_PREFIX)) return undefined;
  const found = await db.systemToken.findUnique({ where: { hash: hashOf(token) } });
  if (!found || found.revokedAt) return undefined;
  await db.systemToken.update({ where: { id: found.id }, data: { lastUsedAt: new Date() } });
  return found.collectivityId;
}

/** Revokes a token by id; false when there is no such token still valid. */
export async function revokeSystemToken(db: Db, id: string): Promise<boolean> {
  const { count } = await db.systemToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return count === 1;
}
