/** The people of a collectivity, a spreadsheet (CSV, or XLSX): one account to open per row. */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import '../domain/french-errors';
import type { Role } from '../prisma/generated/client';
import { cellText, normalizeLabel, type ImportIssue } from './cells';
import { openTable, type ColumnSpec, type Columns, type SheetFormat, type TableRow } from './table';

export interface ImportedPerson {
  email: string;
  name: string;
  role: Role;
  /** The policy's partner id, for a partner only. */
  partnerId?: string;
}

export type PeopleRow = { ok: true; line: number; person: ImportedPerson } | { ok: false; line: number; issues: ImportIssue[] };

type Key = 'email' | 'name' | 'role' | 'partnerId';

export const PEOPLE_COLUMNS: readonly ColumnSpec<Key>[] = [
  { key: 'email', names: ['Email', 'Courriel', 'E-mail', 'Adresse électronique', 'Mél'], required: true },
  { key: 'name', names: ['Nom', 'Nom complet', 'Prénom Nom', 'Prénom et nom'], required: true },
  { key: 'role', names: ['Rôle', 'Profil'], required: true },
  { key: 'partnerId', names: ['Partenaire', 'Partenaire (identifiant)', 'Identifiant du partenaire'], required: false },
];

const ROLES: Record<string, Role> = {
  acheteur: 'buyer', acheteuse: 'buyer', buyer: 'buyer',
  responsable: 'manager', manager: 'manager',
  partenaire: 'partner', partner: 'partner',
};

// The same rules as the administration's person form (web/admin/people.ts): trimmed, address in lower case.
const email = z.email('adresse électronique invalide');
const name = z.string().min(2, 'indiquez le nom (2 caractères au moins)');

/** Each data row as a person to open, or the issues that name its columns; `partnerIds` are the policy's partners. */
export async function* readPeople(input: Readable, partnerIds: readonly string[], format: SheetFormat = 'csv'): AsyncGenerator<PeopleRow> {
  const table = await openTable(input, format, PEOPLE_COLUMNS);
  if (!table.ok) {
    yield table;
    return;
  }
  // Address → its first row: one account per address (users.email is unique).
  const seen = new Map<string, number>();
  for await (const row of table.rows) yield personRow(row, table.columns, partnerIds, seen);
}

function personRow(row: TableRow<Key>, columns: Columns<Key>, partnerIds: readonly string[], seen: Map<string, number>): PeopleRow {
  const issues: ImportIssue[] = [];
  const issue = (key: Key, message: string) => issues.push({ field: columns.name(key), message });
  const address = cellText(row.cells.email).toLowerCase();
  const fullName = cellText(row.cells.name);
  const roleText = cellText(row.cells.role);
  const partnerId = cellText(row.cells.partnerId).toLowerCase() || undefined; // policy partner ids are lower case

  const mail = email.safeParse(address);
  if (!address) issue('email', 'valeur requise');
  else if (!mail.success) issue('email', `adresse électronique invalide : « ${address} »`);
  else if (seen.has(address)) issue('email', `adresse déjà donnée ligne ${seen.get(address)}`);
  else seen.set(address, row.line);

  const named = name.safeParse(fullName);
  if (!named.success) issue('name', fullName ? (named.error.issues[0]?.message ?? 'nom invalide') : 'valeur requise');

  const role = ROLES[normalizeLabel(roleText)];
  if (!roleText) issue('role', 'valeur requise');
  else if (!role) issue('role', `rôle inconnu : « ${roleText} » (acheteur, responsable ou partenaire)`);

  if (role === 'partner' && !partnerId) issue('partnerId', 'indiquez le partenaire que cette personne représente');
  else if (role === 'partner' && partnerId && !partnerIds.includes(partnerId)) {
    issue('partnerId', `partenaire inconnu de la politique : « ${partnerId} » (connus : ${partnerIds.join(', ')})`);
  } else if (role && role !== 'partner' && partnerId) issue('partnerId', 'seul un partenaire représente un partenaire : laissez vide pour un acheteur ou un responsable');

  if (issues.length || !role) return { ok: false, line: row.line, issues };
  return { ok: true, line: row.line, person: { email: address, name: fullName, role, ...(role === 'partner' ? { partnerId } : {}) } };
}
