import { describe, expect, it } from 'vitest';
import { idPart, normalizeLabel, parseAmount, parseBoolean, parseDate, parseInteger } from '../../imports/cells';

describe('French cells', () => {
  it('read amounts with a space, a no-break or a narrow no-break space between thousands, a decimal comma, a euro sign', () => {
    for (const text of ['1 250 000,50', '1\u00a0250\u00a0000,50', '1\u202f250\u202f000,50 €', '1.250.000,50', '1250000,5', '1250000.50', '1 250 000,50 € HT']) {
      expect(parseAmount(text), JSON.stringify(text)).toBe(1_250_000.5);
    }
    expect(parseAmount(42)).toBe(42);
    for (const text of ['douze', '1,2,3', '12 k€', '-5', '']) expect(parseAmount(text), text).toBeUndefined();
    expect(parseInteger('24 mois')).toBe(24);
    expect(parseInteger('2,5')).toBeUndefined();
  });

  it('read dates as JJ/MM/AAAA, ISO, date cells and Excel day numbers, and refuse days that do not exist', () => {
    expect(parseDate('15/09/2026')).toBe('2026-09-15');
    expect(parseDate('5/9/2026')).toBe('2026-09-05');
    expect(parseDate('15.09.2026')).toBe('2026-09-15');
    expect(parseDate('2026-09-15')).toBe('2026-09-15');
    expect(parseDate('2026-09-15T00:00:00Z')).toBe('2026-09-15');
    expect(parseDate(new Date(Date.UTC(2026, 8, 15)))).toBe('2026-09-15');
    expect(parseDate(46280)).toBe('2026-09-15');
    expect(parseDate(46280.75)).toBe('2026-09-15');
    for (const text of ['31/02/2026', '2026-13-01', '15/09/26', 'bientôt']) expect(parseDate(text), text).toBeUndefined();
  });

  it('read yes and no as people write them', () => {
    for (const yes of ['Oui', 'O', 'x', 'X', 'vrai', 'VRAI', true]) expect(parseBoolean(yes), String(yes)).toBe(true);
    for (const no of ['Non', 'n', 'faux', false]) expect(parseBoolean(no), String(no)).toBe(false);
    expect(parseBoolean('peut-être')).toBeUndefined();
  });

  it('match labels without case, accents or punctuation; make ids of letters, digits, dot, dash, underscore', () => {
    expect(normalizeLabel('Date prévisionnelle d’attribution')).toBe(normalizeLabel("date previsionnelle d'attribution"));
    expect(normalizeLabel('Maîtrise d’Œuvre')).toBe('maitrise d oeuvre');
    expect(idPart(' Réf. 2026/Œuvre #3 ')).toBe('Ref.-2026-OEuvre-3');
    expect(idPart('###')).toBe('');
  });
});
