import { randomUUID } from 'node:crypto';
import type { Db } from '../../lib/db';
import type { Role } from '../../prisma/generated/client';
import { createToken } from '../../web/auth/tokens';
import { uniqueId } from './env';

export interface Person {
  id: string;
  email: string;
  token: string;
}

/** An account with a fresh token; `email` defaults to a unique address. */
export async function person(db: Db, role: Role, collectivityId: string, extra: { email?: string; partnerId?: string } = {}): Promise<Person> {
  const email = extra.email ?? `${uniqueId(role)}@${collectivityId}.test`;
  const user = await db.user.create({ data: { id: randomUUID(), email, name: `Test ${role}`, role, collectivityId, partnerId: extra.partnerId } });
  return { id: user.id, email, token: await createToken(db, user.id, 'test') };
}
