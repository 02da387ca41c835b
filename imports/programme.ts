/** The purchase programme (programmation des achats), a spreadsheet in CSV or XLSX: one contract to register per row. */
import type { Readable } from 'node:stream';
import { ContractFactsSchema, type ContractFacts } from '../domain/contract';
import { cellText, idPart, isBlank, parseAmount, parseBoolean, parseDate, parseInteger, type Cell, type ImportIssue } from './cells';
import { openTable, type ColumnSpec, type Columns, type SheetFormat, type TableRow } from './table';
import { NATURE_WORDS, PROCEDURE_WORDS, parseNature, parseProcedure } from './vocabulary';

export type ProgrammeRow = { ok: true; line: number; facts: ContractFacts } | { ok: false; line: number; issues: ImportIssue[] };

type Key =
  | 'ref' | 'object' | 'nature' | 'cpv' | 'estimatedAmountHT' | 'procedure' | 'lots' | 'durationMonths'
  | 'plannedAwardDate' | 'recurring' | 'buyingService' | 'buyerName' | 'buyerEmail';

// A blank "Récurrent" reads as "non", as in a column of crosses; blank "Lots" as 0, the facts' own default.
export const PROGRAMME_COLUMNS: readonly ColumnSpec<Key>[] = [
  { key: 'ref', names: ['Référence', 'Réf', 'N°', 'Numéro', 'Identifiant', 'Id'], required: true },
  { key: 'object', names: ['Objet', 'Objet du marché', 'Intitulé'], required: true },
  { key: 'nature', names: ['Nature', 'Nature du marché', 'Type de marché'], required: true },
  { key: 'cpv', names: ['Code CPV', 'CPV'], required: true },
  { key: 'estimatedAmountHT', names: ['Montant estimé (HT)', 'Montant estimé HT', 'Montant HT', 'Montant estimé', 'Montant'], required: true },
  { key: 'procedure', names: ['Procédure', 'Procédure envisagée', 'Type de procédure'], required: true },
  { key: 'lots', names: ['Lots', 'Nombre de lots', 'Nb de lots', 'Nb lots'], required: false },
  { key: 'durationMonths', names: ['Durée (mois)', 'Durée en mois', 'Durée'], required: true },
  {
    key: 'plannedAwardDate',
    names: ['Date prévisionnelle d’attribution', 'Date de notification prévue', 'Date prévisionnelle de notification', 'Date d’attribution prévue'],
    required: true,
  },
  { key: 'recurring', names: ['Récurrent', 'Récurrence', 'Besoin récurrent'], required: false },
  { key: 'buyingService', names: ['Service acheteur', 'Service', 'Direction'], required: true },
  { key: 'buyerName', names: ['Acheteur (nom)', 'Nom de l’acheteur', 'Acheteur'], required: true },
  { key: 'buyerEmail', names: ['Acheteur (courriel)', 'Courriel de l’acheteur', 'Acheteur (e-mail)', 'Acheteur (mail)', 'Courriel'], required: true },
];

const text = (c: Cell) => cellText(c);
/** "45000000-7", "45000000 Travaux de construction", or a number that lost its leading zero in a spreadsheet. */
const parseCpv = (c: Cell) => (typeof c === 'number' ? String(c).padStart(8, '0') : /^(\d{8}(?:-\d)?)(?![\d-])/.exec(cellText(c))?.[1]);

const READERS: { [K in Key]: { read: (c: Cell) => unknown; expected: string } } = {
  ref: { read: text, expected: '' },
  object: { read: text, expected: '' },
  nature: { read: (c) => parseNature(cellText(c)), expected: `nature inconnue (${NATURE_WORDS})` },
  cpv: { read: parseCpv, expected: 'code CPV à 8 chiffres attendu (ex. 45000000 ou 45000000-7)' },
  estimatedAmountHT: { read: parseAmount, expected: 'montant illisible (ex. 1 250 000,50)' },
  procedure: { read: (c) => parseProcedure(cellText(c)), expected: `procédure inconnue (${PROCEDURE_WORDS})` },
  lots: { read: parseInteger, expected: 'nombre entier attendu' },
  durationMonths: { read: parseInteger, expected: 'nombre entier de mois attendu' },
  plannedAwardDate: { read: parseDate, expected: 'date attendue au format JJ/MM/AAAA' },
  recurring: { read: parseBoolean, expected: 'Oui ou Non attendu (O/N, x, vrai/faux)' },
  buyingService: { read: text, expected: '' },
  buyerName: { read: text, expected: '' },
  buyerEmail: { read: (c) => cellText(c).toLowerCase(), expected: '' },
};

/** The facts' fields as the columns that feed them, to name the column in the facts' own messages. */
const COLUMN_OF: Record<string, Key> = { id: 'ref', 'buyer.name': 'buyerName', 'buyer.email': 'buyerEmail' };

/** The contract id of a programme row: from the row's own reference, so a file imported again gives the same ids. */
export function programmeContractId(collectivityId: string, reference: string): string {
  return `PROG-${idPart(collectivityId)}-${idPart(reference)}`;
}

/** Each data row of the programme as contract facts for `collectivityId`, or the issues that name its columns. */
export async function* readProgramme(input: Readable, format: SheetFormat, collectivityId: string): AsyncGenerator<ProgrammeRow> {
  if (!idPart(collectivityId)) throw new TypeError(`identifiant de collectivité invalide : « ${collectivityId} »`);
  const table = await openTable(input, format, PROGRAMME_COLUMNS);
  if (!table.ok) {
    yield table;
    return;
  }
  // Contract id → its first row: a reference given twice would register one contract over another.
  const seen = new Map<string, number>();
  for await (const row of table.rows) yield programmeRow(row, table.columns, collectivityId, seen);
}

function programmeRow(row: TableRow<Key>, columns: Columns<Key>, collectivityId: string, seen: Map<string, number>): ProgrammeRow {
  const issues: ImportIssue[] = [];
  const v: Partial<Record<Key, unknown>> = {};
  for (const { key, required } of PROGRAMME_COLUMNS) {
    const cell = row.cells[key];
    if (isBlank(cell)) {
      if (required) issues.push({ field: columns.name(key), message: 'valeur requise' });
      continue;
    }
    const value = READERS[key].read(cell);
    if (value === undefined) issues.push({ field: columns.name(key), message: `${READERS[key].expected} : « ${cellText(cell)} »` });
    else v[key] = value;
  }
  const id = typeof v.ref === 'string' ? programmeContractId(collectivityId, v.ref) : undefined;
  if (typeof v.ref === 'string' && !idPart(v.ref)) issues.push({ field: columns.name('ref'), message: `référence sans lettre ni chiffre : « ${v.ref} »` });
  else if (id && seen.has(id)) issues.push({ field: columns.name('ref'), message: `référence déjà donnée ligne ${seen.get(id)} (identifiant ${id})` });
  else if (id) seen.set(id, row.line);

  const facts = ContractFactsSchema.safeParse({
    id, collectivityId, object: v.object, nature: v.nature, cpv: v.cpv, estimatedAmountHT: v.estimatedAmountHT, procedure: v.procedure,
    lots: v.lots, durationMonths: v.durationMonths, plannedAwardDate: v.plannedAwardDate, recurring: v.recurring ?? false,
    buyingService: v.buyingService, buyer: { name: v.buyerName, email: v.buyerEmail },
  });
  if (facts.success && !issues.length) return { ok: true, line: row.line, facts: facts.data };
  // One message per column: a cell that could not be read is not reported again by the facts' schema.
  const named = new Set(issues.map((i) => i.field));
  for (const issue of facts.error?.issues ?? []) {
    const path = issue.path.join('.');
    const field = columns.name(COLUMN_OF[path] ?? (path as Key));
    if (!named.has(field)) issues.push({ field, message: issue.message });
    named.add(field);
  }
  return { ok: false, line: row.line, issues };
}
