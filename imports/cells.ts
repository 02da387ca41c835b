/** Spreadsheet cells as French people type them: amounts, dates, yes/no, labels; each parser returns undefined when it cannot read. */

/** A cell as the readers give it: CSV gives text, XLSX also numbers, booleans and dates. */
export type Cell = string | number | boolean | Date | null | undefined;

/** What is wrong with one field of a row, in French, named as the file names it. */
export interface ImportIssue {
  field: string;
  message: string;
}

export const isBlank = (cell: Cell) => cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');

export function cellText(cell: Cell): string {
  if (cell instanceof Date) return isoDay(cell);
  return cell === null || cell === undefined ? '' : String(cell).trim();
}

/** Lower case, no accents, no punctuation: "Montant estimé (HT)" and "montant estime HT" read the same. */
export function normalizeLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** "1 250 000,50 €" (space, U+00A0 or U+202F between thousands), "1.250.000,50", "1250000.5"; numbers as they are. */
export function parseAmount(cell: Cell): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell !== 'string') return undefined;
  const s = cell.replace(/€|\beuros?\b|\bEUR\b|\bHT\b/gi, '').replace(/[\s\u00a0\u202f\u2009']/g, '');
  if (/^\d+(,\d+)?$/.test(s)) return Number(s.replace(',', '.'));
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  if (/^\d+\.\d+$/.test(s)) return Number(s);
  return undefined;
}

/** A whole number, "12" or "12 mois"; 12.0 from a spreadsheet too. */
export function parseInteger(cell: Cell): number | undefined {
  const n = typeof cell === 'string' ? parseAmount(cell.replace(/\bmois\b/i, '')) : parseAmount(cell);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
// Excel counts days from 1899-12-30 (its 1900 leap-year bug included), the only system this reader expects.
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** JJ/MM/AAAA (also with - or .), AAAA-MM-JJ, a date cell, or an Excel serial day number; as AAAA-MM-JJ. */
export function parseDate(cell: Cell): string | undefined {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : isoDay(cell);
  if (typeof cell === 'number') return cell >= 1 && cell < 2_958_466 ? isoDay(new Date(EXCEL_EPOCH + Math.floor(cell) * 86_400_000)) : undefined;
  const s = cellText(cell);
  const fr = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$/.exec(s);
  const [y, m, d] = fr ? [fr[3], fr[2], fr[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (!y || !m || !d) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // 31/02/2026 rolls over to March: refuse it rather than import another day.
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d) ? isoDay(date) : undefined;
}

const YES = new Set(['oui', 'o', 'x', 'vrai', 'yes', 'y', 'true', '1']);
const NO = new Set(['non', 'n', 'faux', 'no', 'false', '0']);

/** Oui/Non, O/N, x, vrai/faux (and their English forms); a boolean cell as it is. */
export function parseBoolean(cell: Cell): boolean | undefined {
  if (typeof cell === 'boolean') return cell;
  const s = normalizeLabel(cellText(cell));
  return YES.has(s) ? true : NO.has(s) ? false : undefined;
}

/** The part of a contract id taken from a source's own reference: letters, digits, dot, dash, underscore only. */
export function idPart(source: string): string {
  return source
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/œ/g, 'oe')
    .replace(/Œ/g, 'OE')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A file that cannot be read at all (not CSV, XLSX or JSON, cut short): said in French, the reader's own error as cause. */
export class ImportFileError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what} illisible : ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
