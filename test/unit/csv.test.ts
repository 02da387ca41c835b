import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/client';
import { csvCell, toCsv } from '../../web/csv';

describe('CSV cells', () => {
  it('neutralise text that a spreadsheet would run as a formula: a leading quote, and quotes around the cell', () => {
    for (const text of ['=HYPERLINK("http://x","clic")', '+33 6 12 34 56 78', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '\uFF1D1+1']) {
      expect(csvCell(text, 'text'), JSON.stringify(text)).toEqual({ value: `'${text}`, quoted: true });
    }
    expect(csvCell('Produits d’entretien - lot 2', 'text')).toEqual({ value: 'Produits d’entretien - lot 2', quoted: false });
    expect(csvCell(true, 'text').value).toBe('oui');
    expect(csvCell(false, 'text').value).toBe('non');
  });

  it('write numbers and amounts as numbers: decimal comma, no thousands separator, negatives left alone', () => {
    expect(csvCell(new Prisma.Decimal('1234.50'), 'amount')).toEqual({ value: '1234,5', quoted: false });
    expect(csvCell(new Prisma.Decimal('-400000.05'), 'amount')).toEqual({ value: '-400000,05', quoted: false });
    expect(csvCell('-12.30', 'amount')).toEqual({ value: '-12,30', quoted: false });
    expect(csvCell(-42.5, 'number')).toEqual({ value: '-42,5', quoted: false });
    expect(csvCell(1 / 3, 'number').value).toBe('0,3333333333333333');
    expect(csvCell(1e21, 'number').value).toBe('1000000000000000000000');
    expect(csvCell(1e-7, 'number').value).toBe('0,0000001');
  });

  it('show what is not a number as text, under the text rule', () => {
    expect(csvCell('=1+1', 'amount')).toEqual({ value: "'=1+1", quoted: true });
    expect(csvCell('à définir', 'amount')).toEqual({ value: 'à définir', quoted: false });
  });

  it('write instants in Paris time, summer and winter, and calendar dates as their day', () => {
    expect(csvCell(new Date('2026-06-30T23:30:00Z'), 'datetime').value).toBe('01/07/2026 01:30');
    expect(csvCell(new Date('2026-01-15T23:30:00Z'), 'datetime').value).toBe('16/01/2026 00:30');
    expect(csvCell(new Date('2026-07-01T00:00:00Z'), 'date').value).toBe('01/07/2026');
    expect(csvCell(new Date('2026-12-31T00:00:00Z'), 'date').value).toBe('31/12/2026');
    expect(csvCell('2027-06-01', 'date').value).toBe('01/06/2027');
  });

  it('leave nothing empty whatever the type', () => {
    for (const type of ['text', 'number', 'amount', 'date', 'datetime'] as const) {
      for (const value of [null, undefined, '']) expect(csvCell(value, type)).toEqual({ value: '', quoted: false });
    }
  });
});

describe('CSV file', () => {
  const rows = [
    { object: '=HYPERLINK("http://x","clic")', amount: new Prisma.Decimal('1234.5'), at: new Date('2026-06-30T23:30:00Z'), note: 'a;b "c"' },
    { object: 'Nettoyage', amount: null, at: new Date('2026-01-15T23:30:00Z'), note: 'deux\nlignes' },
  ];
  const csv = toCsv({ object: ['objet', 'text'], amount: ['montant', 'amount'], at: ['date', 'datetime'], note: ['note', 'text'] }, rows);

  it('starts with a BOM and the French headers, separates with semicolons and ends lines with CRLF', () => {
    expect(csv.startsWith('\uFEFFobjet;montant;date;note\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('quotes the neutralised formula and leaves numbers and dates unquoted', () => {
    expect(csv).toContain('"\'=HYPERLINK(""http://x"",""clic"")";1234,5;01/07/2026 01:30;"a;b ""c"""\r\n');
  });

  it('reads back with a CSV parser as the same cells', () => {
    expect(parse(csv, { bom: true, delimiter: ';', columns: true })).toEqual([
      { objet: '\'=HYPERLINK("http://x","clic")', montant: '1234,5', date: '01/07/2026 01:30', note: 'a;b "c"' },
      { objet: 'Nettoyage', montant: '', date: '16/01/2026 00:30', note: 'deux\nlignes' },
    ]);
  });
});
