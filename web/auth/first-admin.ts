/**
 * The first administrator of a database that has none: `npm start` (or the CLI) prints a one-time link, valid a
 * day; whoever follows it names the first administrator, who is signed in at once. Once an administrator exists,
 * no link is made and an unused one no longer works: from then on, administrators add people.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import { hashOf } from './tokens';

const VALID_MS = 24 * 3600_000;

export const FirstAdminForm = z.object({
  name: z.string().trim().min(2, 'indiquez votre nom'),
  email: z.email('adresse électronique invalide').trim().toLowerCase(),
  collectivityId: z.string().min(1, 'choisissez votre collectivité'),
});
export type FirstAdmin = z.infer<typeof FirstAdminForm>;

const hasAdmin = async (db: Db) => (await db.user.count({ where: { admin: true } })) > 0;

/** A fresh one-time link when nobody administers the database, else undefined. */
export async function firstAdminLink(db: Db, publicUrl: string): Promise<string | undefined> {
  if (await hasAdmin(db)) return undefined;
  const secret = randomBytes(24).toString('base64url');
  await db.setupLink.create({ data: { hash: hashOf(secret), expiresAt: new Date(Date.now() + VALID_MS) } });
  return `${publicUrl}/premier-administrateur?lien=${secret}`;
}

/** Why a link does not open the form, or undefined when it does. */
export async function linkRefusal(db: Db, secret: string | undefined): Promise<string | undefined> {
  const link = secret ? await db.setupLink.findUnique({ where: { hash: hashOf(secret) } }) : null;
  if (!link) return 'Ce lien est inconnu. Relancez « npm start » pour en obtenir un nouveau.';
  if (link.usedAt) return 'Ce lien a déjà servi : il ne vaut qu’une fois.';
  if (link.expiresAt < new Date()) return 'Ce lien a expiré (valable 24 heures). Relancez « npm start » pour en obtenir un nouveau.';
  if (await hasAdmin(db)) return 'Un administrateur existe déjà : demandez-lui d’ouvrir votre compte.';
  return undefined;
}

/**
 * Uses the link and creates the administrator (a manager holding the administrator role), in one transaction: of
 * two people following the same link at once, one only gets in.
 */
export async function createFirstAdmin(db: Db, secret: string, who: FirstAdmin): Promise<{ userId: string } | { refusal: string }> {
  const refusal = await linkRefusal(db, secret);
  if (refusal) return { refusal };
  return db.$transaction(async (tx) => {
    const used = await tx.setupLink.updateMany({ where: { hash: hashOf(secret), usedAt: null }, data: { usedAt: new Date() } });
    if (used.count !== 1) return { refusal: 'Ce lien a déjà servi : il ne vaut qu’une fois.' };
    const existing = await tx.user.findUnique({ where: { email: who.email } });
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data: { admin: true, role: 'manager', collectivityId: who.collectivityId } })
      : await tx.user.create({ data: { id: randomUUID(), email: who.email, name: who.name, role: 'manager', collectivityId: who.collectivityId, admin: true } });
    await tx.adminAudit.create({
      data: { id: randomUUID(), collectivityId: who.collectivityId, actor: who.email, action: 'admin.first', detail: { name: who.name, email: who.email } },
    });
    return { userId: user.id };
  });
}
