/** A spreadsheet read as a table: its header row matched to the columns we know, then its rows, one at a time. */
import type { Readable } from 'node:stream';
import { ImportFileError, isBlank, normalizeLabel, type Cell, type ImportIssue } from './cells';
import { csvRecords } from './csv';
import { xlsxRows } from './xlsx';

export type SheetFormat = 'csv' | 'xlsx';

/** A column we read: its usual name (the first) and synonyms, matched without case, accents or punctuation. */
export interface ColumnSpec<K extends string> {
  key: K;
  names: readonly string[];
  required: boolean;
}

/** Where each known column is, and its name as the file writes it (for the messages). */
export interface Columns<K extends string> {
  index: Partial<Record<K, number>>;
  name(key: K): string;
}

export interface TableRow<K extends string> {
  line: number;
  cells: Partial<Record<K, Cell>>;
}

export type OpenedTable<K extends string> =
  | { ok: true; columns: Columns<K>; rows: AsyncGenerator<TableRow<K>> }
  | { ok: false; line: number; issues: ImportIssue[] };

/** The rows of the file; a file that cannot be read (not a workbook, a quote never closed) is an ImportFileError. */
async function* sheetRows(input: Readable, format: SheetFormat): AsyncGenerator<{ line: number; cells: Cell[] }> {
  try {
    yield* format === 'csv' ? csvRecords(input) : xlsxRows(input);
  } catch (error) {
    throw new ImportFileError(`fichier ${format.toUpperCase()}`, error);
  }
}

// A title or a note may stand above the header: it is looked for among the first rows.
const HEADER_SEARCH = 10;

/**
 * Reads the header: the first of the first non-empty rows that names every required column. When none does, the file is
 * refused on the row that came closest, each missing column named; the rows above the header are not data.
 */
export async function openTable<K extends string>(input: Readable, format: SheetFormat, specs: readonly ColumnSpec<K>[]): Promise<OpenedTable<K>> {
  const rows = sheetRows(input, format);
  let closest: { line: number; issues: ImportIssue[] } | undefined;
  for (let seen = 0, next = await rows.next(); !next.done && seen < HEADER_SEARCH; next = await rows.next()) {
    if (next.value.cells.every(isBlank)) continue;
    seen++;
    const found = matchColumns(next.value.cells, specs);
    if (found.ok) return { ok: true, columns: found.columns, rows: tableRows(rows, found.columns) };
    if (!closest || found.issues.length < closest.issues.length) closest = { line: next.value.line, issues: found.issues };
  }
  await rows.return(undefined);
  return closest ? { ok: false, ...closest } : { ok: false, line: 1, issues: [{ field: '(fichier)', message: 'fichier vide : la première ligne doit nommer les colonnes' }] };
}

function matchColumns<K extends string>(header: Cell[], specs: readonly ColumnSpec<K>[]) {
  const labels = header.map((c) => (typeof c === 'string' ? c.trim() : String(c ?? '')));
  const normalized = labels.map(normalizeLabel);
  const index: Partial<Record<K, number>> = {};
  const issues: ImportIssue[] = [];
  for (const spec of specs) {
    const names = new Set(spec.names.map(normalizeLabel));
    const at = normalized.flatMap((n, i) => (names.has(n) ? [i] : []));
    if (at.length > 1) issues.push({ field: labels[at[1]!]!, message: `colonne en double : « ${labels[at[0]!]} » et « ${labels[at[1]!]} » disent la même chose` });
    if (at.length === 0 && spec.required) issues.push({ field: spec.names[0]!, message: `colonne absente (noms reconnus : ${spec.names.join(', ')})` });
    if (at[0] !== undefined) index[spec.key] = at[0];
  }
  if (issues.length) return { ok: false as const, issues };
  const byKey = new Map(specs.map((s) => [s.key, s.names[0]!]));
  const columns: Columns<K> = { index, name: (key) => (index[key] !== undefined ? labels[index[key]]! : byKey.get(key) ?? key) };
  return { ok: true as const, columns };
}

/** The data rows, blank ones skipped; each cell under the key of its column. */
async function* tableRows<K extends string>(rows: AsyncGenerator<{ line: number; cells: Cell[] }>, columns: Columns<K>): AsyncGenerator<TableRow<K>> {
  for await (const row of rows) {
    if (row.cells.every(isBlank)) continue;
    const cells: Partial<Record<K, Cell>> = {};
    for (const [key, i] of Object.entries(columns.index) as [K, number][]) cells[key] = row.cells[i];
    yield { line: row.line, cells };
  }
}
