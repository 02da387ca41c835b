/**
 * What an administrator does to the people and system tokens of their collectivity, never another's. Each change is
 * written to admin_audit with who made it, in the same transaction as the change.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Prisma, Role } from '../../prisma/generated/client';
import type { Viewer } from '../access';
import { createSystemToken, revokeSystemToken } from '../auth/system-tokens';
import { createToken } from '../auth/tokens';

export const ROLES = ['buyer', 'partner', 'manager'] as const satisfies readonly Role[];

const checkbox = z.union([z.literal('oui'), z.literal('on')]).optional().transform((v) => v !== undefined);

export const PersonForm = z.object({
  name: z.string().trim().min(2, 'indiquez le nom'),
  email: z.email('adresse électronique invalide').trim().toLowerCase(),
  role: z.enum(ROLES, 'choisissez un rôle'),
  partnerId: z.string().trim().optional().transform((v) => v || undefined),
  admin: checkbox,
});
export type Person = z.infer<typeof PersonForm>;

/** A refusal of the administrator's request: the field it is about (if any) and why, in French. */
export class AdminRefusal extends Error {
  constructor(message: string, readonly field?: string, readonly status = 400) {
    super(message);
  }
}

type Tx = Prisma.TransactionClient;
const audit = (tx: Tx, admin: Viewer, action: string, detail: Record<string, unknown>) =>
  tx.adminAudit.create({ data: { id: randomUUID(), collectivityId: admin.collectivityId, actor: admin.email, action, detail: detail as Prisma.InputJsonValue } });

/** The person, if they belong to the administrator's collectivity: another's is "not found", as everywhere. */
export async function ownPerson(tx: Tx | Db, admin: Viewer, id: string) {
  const person = await tx.user.findUnique({ where: { id } });
  if (!person || person.collectivityId !== admin.collectivityId) throw new AdminRefusal('personne introuvable dans votre collectivité', undefined, 404);
  return person;
}

async function checkPartner(tx: Tx, admin: Viewer, p: Person): Promise<void> {
  if (p.role !== 'partner') return;
  if (!p.partnerId) throw new AdminRefusal('choisissez le partenaire que cette personne représente', 'partnerId');
  const known = await tx.partner.findUnique({ where: { collectivityId_id: { collectivityId: admin.collectivityId, id: p.partnerId } } });
  if (!known) throw new AdminRefusal(`partenaire inconnu de votre collectivité : ${p.partnerId}`, 'partnerId');
}

/** Never leaves the collectivity without an active administrator. */
async function keepAnAdmin(tx: Tx, admin: Viewer, losing: string): Promise<void> {
  const others = await tx.user.count({ where: { collectivityId: admin.collectivityId, admin: true, deactivatedAt: null, id: { not: losing } } });
  if (!others) throw new AdminRefusal('votre collectivité doit garder au moins un administrateur actif', 'admin');
}

/** Opens an account; its first personal token is returned to be shown once. */
export async function addPerson(db: Db, admin: Viewer, p: Person): Promise<{ id: string; token: string }> {
  const id = await db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: p.email } })) throw new AdminRefusal('un compte existe déjà avec cette adresse', 'email');
    await checkPartner(tx, admin, p);
    const created = await tx.user.create({
      data: { id: randomUUID(), email: p.email, name: p.name, role: p.role, partnerId: p.role === 'partner' ? p.partnerId : null, admin: p.admin, collectivityId: admin.collectivityId },
    });
    await audit(tx, admin, 'person.added', { email: p.email, name: p.name, role: p.role, partnerId: created.partnerId, admin: p.admin });
    return created.id;
  });
  return { id, token: await createToken(db, id, `remis par ${admin.email}`) };
}

export async function changePerson(db: Db, admin: Viewer, id: string, p: Person): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await ownPerson(tx, admin, id);
    if (p.email !== before.email && (await tx.user.findUnique({ where: { email: p.email } }))) throw new AdminRefusal('un compte existe déjà avec cette adresse', 'email');
    await checkPartner(tx, admin, p);
    if (before.admin && !p.admin) await keepAnAdmin(tx, admin, id);
    const after = { email: p.email, name: p.name, role: p.role, partnerId: p.role === 'partner' ? (p.partnerId ?? null) : null, admin: p.admin };
    await tx.user.update({ where: { id }, data: after });
    const from = { email: before.email, name: before.name, role: before.role, partnerId: before.partnerId, admin: before.admin };
    await audit(tx, admin, 'person.changed', { id, from, to: after });
  });
}

export async function setActive(db: Db, admin: Viewer, id: string, active: boolean): Promise<void> {
  await db.$transaction(async (tx) => {
    const person = await ownPerson(tx, admin, id);
    if (!active && id === admin.id) throw new AdminRefusal('vous ne pouvez pas désactiver votre propre compte');
    if (!active && person.admin) await keepAnAdmin(tx, admin, id);
    await tx.user.update({ where: { id }, data: { deactivatedAt: active ? null : new Date() } });
    await audit(tx, admin, active ? 'person.reactivated' : 'person.deactivated', { id, email: person.email });
  });
}

export async function revokeTokens(db: Db, admin: Viewer, id: string): Promise<number> {
  return db.$transaction(async (tx) => {
    const person = await ownPerson(tx, admin, id);
    const { count } = await tx.apiToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } });
    await audit(tx, admin, 'person.tokens-revoked', { id, email: person.email, count });
    return count;
  });
}

export async function addSystemToken(db: Db, admin: Viewer, label: string): Promise<{ id: string; token: string }> {
  if (label.trim().length < 2) throw new AdminRefusal('indiquez le logiciel qui se servira du jeton', 'label');
  const created = await createSystemToken(db, admin.collectivityId, label.trim());
  await db.$transaction((tx) => audit(tx, admin, 'system-token.created', { id: created.id, label: label.trim() }));
  return created;
}

export async function dropSystemToken(db: Db, admin: Viewer, id: string): Promise<void> {
  const token = await db.systemToken.findUnique({ where: { id } });
  if (!token || token.collectivityId !== admin.collectivityId) throw new AdminRefusal('jeton système introuvable dans votre collectivité', undefined, 404);
  if (!(await revokeSystemToken(db, id))) throw new AdminRefusal('ce jeton système est déjà révoqué');
  await db.$transaction((tx) => audit(tx, admin, 'system-token.revoked', { id, label: token.label }));
}

/** Everything the administration page shows: people with their last sign-in, system tokens, recent changes. */
export async function administration(db: Db, admin: Viewer) {
  const where = { collectivityId: admin.collectivityId };
  const [people, systemTokens, partners, log] = await Promise.all([
    db.user.findMany({ where, orderBy: [{ deactivatedAt: { sort: 'asc', nulls: 'first' } }, { name: 'asc' }], include: { tokens: { where: { revokedAt: null }, select: { id: true } } } }),
    db.systemToken.findMany({ where, orderBy: { createdAt: 'desc' } }),
    db.partner.findMany({ where, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    db.adminAudit.findMany({ where, orderBy: { at: 'desc' }, take: 30 }),
  ]);
  return { people: people.map(({ tokens, ...p }) => ({ ...p, activeTokens: tokens.length })), systemTokens, partners, log };
}
