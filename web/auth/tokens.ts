/** Personal access tokens: shown once at creation, stored as SHA-256, looked up on each API call. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../lib/db';
import type { User } from '../../prisma/generated/client';
import type { Viewer } from '../access';

const PREFIX = 'spaser_';
/** System tokens (web/auth/system-tokens.ts) share the family prefix but are never a person's. */
export const SYSTEM_PREFIX = 'spaser_sys_';
/** Tokens are stored as their SHA-256: a leaked table gives no usable credential. */
export const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createToken(db: Db, userId: string, label: string): Promise<string> {
  const token = `${PREFIX}${randomBytes(24).toString('base64url')}`;
  await db.apiToken.create({ data: { id: randomUUID(), userId, label, hash: hashOf(token) } });
  return token;
}

export async function viewerOfToken(db: Db, token: string): Promise<Viewer | undefined> {
  if (!token.startsWith(PREFIX) || token.startsWith(SYSTEM_PREFIX)) return undefined;
  const found = await db.apiToken.findUnique({ where: { hash: hashOf(token) }, include: { user: true } });
  if (!found || found.revokedAt || found.user.deactivatedAt) return undefined;
  await db.apiToken.update({ where: { id: found.id }, data: { lastUsedAt: new Date() } });
  return toViewer(found.user);
}

/**
 * The person of a session, read on every page: one plain query, as Prisma 6 compiles each of its queries on every
 * call (1.0 ms of CPU here, 0.3 this way). A deactivated account's open sessions end with it.
 */
export async function viewerOfUserId(db: Db, id: string): Promise<Viewer | undefined> {
  const [viewer] = await db.$queryRaw<Viewer[]>`
    SELECT id, email, name, role::text AS role, collectivity_id AS "collectivityId", partner_id AS "partnerId", admin
      FROM users WHERE id = ${id} AND deactivated_at IS NULL`;
  return viewer;
}

/** Records a sign-in (the administration page shows the last one). */
export async function recordSignIn(db: Db, userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { lastSignInAt: new Date() } });
}

const toViewer = ({ id, email, name, role, collectivityId, partnerId, admin }: User): Viewer => ({ id, email, name, role, collectivityId, partnerId, admin });
