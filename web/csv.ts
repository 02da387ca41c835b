/**
 * CSV as a French Excel or LibreOffice opens it: `;` between cells, UTF-8 with a BOM (so Excel reads the accents),
 * CRLF, numbers with a decimal comma, dates in Paris time, and no text cell that a spreadsheet would run as a formula.
 * The routes declare each column's type; the rules for each type live here and nowhere else.
 */
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import { Prisma } from '../prisma/generated/client';

/** text: neutralised against formulas; number and amount: a number; date: JJ/MM/AAAA; datetime: JJ/MM/AAAA HH:MM. */
export type CsvType = 'text' | 'number' | 'amount' | 'date' | 'datetime';
/** Columns in order, by the row's key: the French header and the cell's type. */
export type CsvColumns<Row> = { [K in keyof Row & string]?: readonly [header: string, type: CsvType] };
/** A cell as csv-stringify writes it: `quoted` forces quotes, which csv-stringify otherwise adds only when needed. */
export interface CsvCell {
  value: string;
  quoted: boolean;
}

// OWASP's CSV injection rule, plus the full-width forms Apple Numbers normalises into the same characters.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NUMERIC = /^-?\d+(\.\d+)?$/;
const PARIS = 'Europe/Paris';
const dayFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const plain = (value: string): CsvCell => ({ value, quoted: false });

/** Text a spreadsheet shows as it is: a leading formula character gets a `'` and the cell is quoted. */
function textCell(value: unknown): CsvCell {
  const text = typeof value === 'boolean' ? (value ? 'oui' : 'non') : String(value);
  return FORMULA_START.test(text) ? { value: `'${text}`, quoted: true } : plain(text);
}

/** A number as French Excel reads it: decimal comma, no thousands separator, never in exponent form. */
function numberCell(value: unknown): CsvCell {
  let decimal: string | undefined;
  if (Prisma.Decimal.isDecimal(value)) decimal = value.toFixed();
  else if (typeof value === 'number' && Number.isFinite(value)) {
    decimal = /e/i.test(String(value)) ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }) : String(value);
  } else if (typeof value === 'string' && NUMERIC.test(value.trim())) decimal = value.trim();
  // Anything else is not a number: shown as text, under the same protection as any text.
  return decimal === undefined ? textCell(value) : plain(decimal.replace('.', ','));
}

/**
 * A date in Paris time, built from its parts so the form never depends on the ICU version. Calendar dates (`@db.Date`)
 * come as UTC midnight, which is the same day in Paris (always ahead of UTC).
 */
function dateCell(value: unknown, withTime: boolean): CsvCell {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return textCell(value);
  const part = Object.fromEntries((withTime ? timeFormat : dayFormat).formatToParts(date).map((p) => [p.type, p.value]));
  const day = `${part.day}/${part.month}/${part.year}`;
  return plain(withTime ? `${day} ${part.hour}:${part.minute}` : day);
}

/** One cell under its column's rule; nothing (null, undefined, '') is an empty cell whatever the type. */
export function csvCell(value: unknown, type: CsvType): CsvCell {
  if (value === null || value === undefined || value === '') return plain('');
  if (type === 'number' || type === 'amount') return numberCell(value);
  if (type === 'date' || type === 'datetime') return dateCell(value, type === 'datetime');
  return textCell(value);
}

/** The whole file, BOM included. */
export function toCsv<Row extends object>(columns: CsvColumns<Row>, rows: readonly Row[]): string {
  const declared = Object.entries(columns) as [keyof Row & string, readonly [string, CsvType]][];
  const records = rows.map((row) => declared.map(([key, [, type]]) => csvCell(row[key], type)));
  return stringify(records, {
    bom: true, delimiter: ';', record_delimiter: 'windows', header: true, columns: declared.map(([key, [header]]) => ({ key, header })),
    cast: { object: (cell) => ({ value: String(cell.value), quoted: cell.quoted === true }) },
  });
}

export function sendCsv<Row extends object>(reply: FastifyReply, filename: string, columns: CsvColumns<NoInfer<Row>>, rows: readonly Row[]): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(toCsv(columns, rows));
}
