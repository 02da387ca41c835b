/** One-time sign-in links (the demo prints one per person): valid a day, used once, stored as SHA-256. */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../lib/db';
import { hashOf } from './tokens';

const VALID_MS = 24 * 3600_000;

export async function signInLink(db: Db, userId: string, publicUrl: string): Promise<string> {
  const secret = randomBytes(24).toString('base64url');
  await db.signInLink.create({ data: { hash: hashOf(secret), userId, expiresAt: new Date(Date.now() + VALID_MS) } });
  return `${publicUrl}/connexion/lien/${secret}`;
}

/** The person a link signs in, once: the link is used up in the same statement that checks it. */
export async function useSignInLink(db: Db, secret: string): Promise<string | undefined> {
  const rows = await db.$queryRaw<{ user_id: string }[]>`
    UPDATE sign_in_links SET used_at = now()
     WHERE hash = ${hashOf(secret)} AND used_at IS NULL AND expires_at > now()
    RETURNING user_id`;
  return rows[0]?.user_id;
}
