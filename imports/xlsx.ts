/**
 * Streams the rows of the first worksheet of an XLSX file.
 *
 * exceljs' `stream.xlsx.WorkbookReader` reads the zip entries as they arrive and parses the sheet XML with a SAX parser,
 * handing rows over a few at a time: memory holds the shared strings and the styles, not the rows. It is the most used
 * XLSX library on npm, pure JavaScript, and writes XLSX too (the tests build their files with it). SheetJS, the other
 * common choice, parses a whole workbook in memory and no longer publishes its current versions on npm.
 */
import { PassThrough, pipeline, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Cell } from './cells';

/** Each non-empty row of the first worksheet with its row number; cells from column A. */
export async function* xlsxRows(input: Readable): AsyncGenerator<{ line: number; cells: Cell[] }> {
  // Styles are read so that date cells come as dates; the parsers also take Excel's day numbers, for unformatted dates.
  // Through a byte stream: unzipper takes Buffers only, and would throw out of the process on a string chunk.
  const bytes = pipeline(input, new PassThrough(), () => {});
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(bytes, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  let first = true;
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet) {
        // The other worksheets are read through, not kept: the zip stream has to be drained to its end.
        if (!first) continue;
        const values = row.values as unknown[];
        yield { line: row.number, cells: values.slice(1).map(toCell) };
      }
      first = false;
    }
  } finally {
    input.destroy();
  }
}

/** exceljs' cell values: rich text, formulas (their result), hyperlinks (their text) and errors become plain cells. */
function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value !== 'object') return null;
  if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r: { text?: string }) => r.text ?? '').join('');
  if ('result' in value) return toCell(value.result);
  if ('text' in value) return toCell(value.text);
  if ('error' in value) return String(value.error);
  return null;
}
