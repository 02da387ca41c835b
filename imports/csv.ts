/** Streams the records of a CSV file as spreadsheets save it: ';' or ',' separated, UTF-8 with or without BOM, or Windows-1252. */
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';

// The header line decides the separator and the encoding; 64 KiB is far more than any header.
const HEAD_LIMIT = 64 * 1024;

/** Each record with its row number as a spreadsheet shows it (1 for the first record, a multi-line cell counts once). */
export async function* csvRecords(input: Readable): AsyncGenerator<{ line: number; cells: string[] }> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let head = Buffer.alloc(0);
  while (!head.includes(0x0a) && head.length < HEAD_LIMIT) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, Buffer.from(next.value)]);
  }
  const decoder = new TextDecoder(encodingOf(head));
  async function* text() {
    yield decoder.decode(head, { stream: true });
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield decoder.decode(Buffer.from(next.value), { stream: true });
    yield decoder.decode();
  }
  const parser = parse({ delimiter: delimiterOf(head.toString('latin1')), relax_column_count: true, trim: false });
  const records = pipeline(Readable.from(text()), parser, () => {}) as AsyncIterable<string[]>;
  let line = 0;
  try {
    for await (const cells of records) yield { line: ++line, cells };
  } finally {
    input.destroy(); // a caller that stops early does not leave the file open
  }
}

/** UTF-8 (TextDecoder drops its BOM) unless the head is not valid UTF-8: then Excel's "CSV (séparateur : point-virgule)", Windows-1252. */
function encodingOf(head: Buffer): 'utf-8' | 'windows-1252' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** The separator of the header line: French Excel writes ';' (the decimal comma is taken), others ','; tab too. */
function delimiterOf(head: string): string {
  const line = (head.split('\n')[0] ?? '').replace(/"[^"]*"/g, '');
  const counts = [';', ',', '\t'].map((d) => [d, line.split(d).length - 1] as const);
  const [best] = counts.sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ',';
}
