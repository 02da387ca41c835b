import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ImportFileError } from '../../imports/cells';
import { readProgramme, type ProgrammeRow } from '../../imports/programme';

const HEADER = 'Référence;Objet;Nature;Code CPV;Montant estimé (HT);Procédure;Lots;Durée (mois);Date prévisionnelle d’attribution;Récurrent;Service acheteur;Acheteur (nom);Acheteur (courriel)';

async function rows(input: Readable, format: 'csv' | 'xlsx' = 'csv', collectivity = 'dijon'): Promise<ProgrammeRow[]> {
  const out: ProgrammeRow[] = [];
  for await (const row of readProgramme(input, format, collectivity)) out.push(row);
  return out;
}
const csv = (...lines: string[]) => Readable.from([Buffer.from(lines.join('\r\n'))]);
const issuesOf = (row: ProgrammeRow | undefined) => (row && !row.ok ? row.issues : []);

describe('purchase programme, CSV', () => {
  it('read a French Excel export: BOM, ";", spaced amounts with a decimal comma, French words and dates', async () => {
    const input = csv(
      `\uFEFF${HEADER}`,
      'PA-2026/001;Travaux de rénovation du groupe scolaire;Travaux;45000000-7;1 250 000,50 €;Appel d\'offres ouvert;3;24;15/09/2026;Non;Patrimoine bâti;Léa Martin;Lea.Martin@dijon.fr',
      'PA-2026/002;Fournitures de bureau;Fournitures;30192000;85\u202f000;MAPA;;12;2026-03-01;x;Achats;Paul Roy;paul.roy@dijon.fr',
      ';;;;;;;;;;;;',
      'PA-2026/003;Étude de mobilité;Prestations intellectuelles;71311200 Services de conseil en transports;40\u00a0000;Procédure adaptée;0;6;01/02/2027;Oui;Mobilités;Ana Diaz;ana.diaz@dijon.fr',
      'PA-2026/004;Maîtrise d’œuvre du musée;Maîtrise d\'œuvre;71000000;900 000;Procédure avec négociation;1;36;01.06.2027;faux;Culture;Jo Lin;jo.lin@dijon.fr',
      'PA-2026/005;Concession de parking;Services;98351000;2 000 000;Sans publicité ni mise en concurrence;0;120;01/01/2028;vrai;Voirie;Jo Lin;jo.lin@dijon.fr',
      'PA-2026/006;Plateforme citoyenne;Services;72000000;300 000;Dialogue compétitif;0;48;01/01/2028;N;Numérique;Jo Lin;jo.lin@dijon.fr',
    );
    const result = await rows(input);
    expect(result.map((r) => [r.line, r.ok])).toEqual([[2, true], [3, true], [5, true], [6, true], [7, true], [8, true]]);
    const facts = result.flatMap((r) => (r.ok ? [r.facts] : []));
    expect(facts[0]).toEqual({
      id: 'PROG-dijon-PA-2026-001', collectivityId: 'dijon', object: 'Travaux de rénovation du groupe scolaire', nature: 'works', cpv: '45000000-7',
      estimatedAmountHT: 1_250_000.5, procedure: 'appel-offres', lots: 3, durationMonths: 24, plannedAwardDate: '2026-09-15', recurring: false,
      buyingService: 'Patrimoine bâti', buyer: { name: 'Léa Martin', email: 'lea.martin@dijon.fr' },
    });
    expect(facts[1]).toMatchObject({ estimatedAmountHT: 85_000, procedure: 'mapa', lots: 0, plannedAwardDate: '2026-03-01', recurring: true, nature: 'supplies' });
    expect(facts[2]).toMatchObject({ nature: 'services', cpv: '71311200', estimatedAmountHT: 40_000, procedure: 'mapa', recurring: true });
    expect(facts[3]).toMatchObject({ nature: 'design', procedure: 'procedure-avec-negociation', plannedAwardDate: '2027-06-01', recurring: false });
    expect(facts[4]).toMatchObject({ procedure: 'sans-publicite', recurring: true });
    expect(facts[5]).toMatchObject({ procedure: 'dialogue-competitif', recurring: false });
  });

  it('take "," files and the usual synonyms of the column names, in any case and without accents', async () => {
    const result = await rows(csv(
      'N°,OBJET,nature,CPV,Montant HT,procedure,Nombre de lots,Duree (mois),Date de notification prevue,Recurrent,Service acheteur,Acheteur (nom),Acheteur (courriel)',
      '12,Nettoyage des locaux,Services,90910000,"120 000,00",AOO,2,36,01/07/2026,O,Moyens généraux,Eve Bon,eve.bon@dijon.fr',
    ));
    expect(result).toEqual([{ ok: true, line: 2, facts: expect.objectContaining({ id: 'PROG-dijon-12', estimatedAmountHT: 120_000, procedure: 'appel-offres', lots: 2, recurring: true }) }]);
  });

  it('read a Windows-1252 file, as Excel saves "CSV (séparateur : point-virgule)"', async () => {
    const text = `${HEADER}\r\nR1;Entretien des espaces verts;Services;77310000;50 000;Procédure adaptée;0;12;01/04/2026;Non;Espaces verts;Zoé Brûlé;zoe@dijon.fr`;
    const bytes = Buffer.from([...text].map((ch) => (ch === '’' ? 0x92 : ch.charCodeAt(0))));
    const [row] = await rows(Readable.from([bytes]));
    expect(row).toMatchObject({ ok: true, facts: { buyer: { name: 'Zoé Brûlé' }, procedure: 'mapa' } });
  });

  it('refuse a bad row naming its line and each wrong column, as the file names it; the good rows still pass', async () => {
    const result = await rows(csv(
      HEADER,
      'A1;Mobilier;Meubles;3919;douze mille;Gré à gré;-1;douze;31/02/2026;peut-être;;Max;pas-une-adresse',
      'A2;Ok;Fournitures;39130000;1 000;MAPA;0;12;01/01/2026;Non;Achats;Max Bo;max@dijon.fr',
      'A3;Mobilier scolaire;Fournitures;39160000;10 000;MAPA;0;0;01/01/2026;Non;Achats;Max Bo;max@dijon.fr',
    ));
    expect(result.map((r) => [r.line, r.ok])).toEqual([[2, false], [3, false], [4, false]]);
    expect(issuesOf(result[0])).toEqual([
      { field: 'Nature', message: expect.stringContaining('nature inconnue') },
      { field: 'Code CPV', message: expect.stringContaining('code CPV à 8 chiffres') },
      { field: 'Montant estimé (HT)', message: 'montant illisible (ex. 1 250 000,50) : « douze mille »' },
      { field: 'Procédure', message: expect.stringContaining('procédure inconnue') },
      { field: 'Lots', message: 'nombre entier attendu : « -1 »' },
      { field: 'Durée (mois)', message: 'nombre entier de mois attendu : « douze »' },
      { field: 'Date prévisionnelle d’attribution', message: 'date attendue au format JJ/MM/AAAA : « 31/02/2026 »' },
      { field: 'Récurrent', message: expect.stringContaining('Oui ou Non attendu') },
      { field: 'Service acheteur', message: 'valeur requise' },
      { field: 'Acheteur (courriel)', message: expect.any(String) },
    ]);
    // "Ok" is too short for an object (3 characters at least): the facts' own rule, under the column's name.
    expect(issuesOf(result[1])).toEqual([{ field: 'Objet', message: expect.any(String) }]);
    expect(issuesOf(result[2])).toEqual([{ field: 'Durée (mois)', message: expect.any(String) }]);
  });

  it('refuse the file on line 1 when a required column is missing, naming the column and the names it may have', async () => {
    const [only, ...rest] = await rows(csv('Référence;Objet;Nature', 'R1;Mobilier;Fournitures'));
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ ok: false, line: 1 });
    expect(issuesOf(only).map((i) => i.field)).toEqual(['Code CPV', 'Montant estimé (HT)', 'Procédure', 'Durée (mois)', 'Date prévisionnelle d’attribution', 'Service acheteur', 'Acheteur (nom)', 'Acheteur (courriel)']);
    expect(issuesOf(only)[0]!.message).toBe('colonne absente (noms reconnus : Code CPV, CPV)');
    expect(await rows(csv(''))).toEqual([{ ok: false, line: 1, issues: [{ field: '(fichier)', message: expect.stringContaining('fichier vide') }] }]);
  });

  it('derive ids from the reference: the same file gives the same ids; two references that read the same are refused', async () => {
    const file = () => csv(
      HEADER,
      'Réf 2026 #7;Mobilier;Fournitures;39130000;1 000;MAPA;0;12;01/01/2026;Non;Achats;Max Bo;max@dijon.fr',
      'Ref-2026-7;Mobilier bis;Fournitures;39130000;1 000;MAPA;0;12;01/01/2026;Non;Achats;Max Bo;max@dijon.fr',
    );
    const first = await rows(file());
    expect(await rows(file())).toEqual(first);
    expect(first[0]).toMatchObject({ ok: true, facts: { id: 'PROG-dijon-Ref-2026-7' } });
    expect(issuesOf(first[1])).toEqual([{ field: 'Référence', message: 'référence déjà donnée ligne 2 (identifiant PROG-dijon-Ref-2026-7)' }]);
    // The collectivity is part of the id: contract ids are unique across collectivities.
    expect(await rows(file(), 'csv', 'clermont')).toMatchObject([{ ok: true, facts: { id: 'PROG-clermont-Ref-2026-7' } }, { ok: false }]);
  });

  it('say in French that a file cannot be read: a quote never closed, a CSV given as a workbook', async () => {
    const unclosed = rows(csv(HEADER, '"R1;Mobilier'));
    await expect(unclosed).rejects.toBeInstanceOf(ImportFileError);
    await expect(unclosed).rejects.toThrow(/^fichier CSV illisible : Quote Not Closed/);
    await expect(rows(csv(HEADER), 'xlsx')).rejects.toThrow(/^fichier XLSX illisible : /);
  });

  it('stream 10,000 rows: the first result comes before the file is read through', async () => {
    let produced = 0;
    const source = Readable.from((function* () {
      yield `${HEADER}\n`;
      for (let i = 1; i <= 10_000; i++) {
        produced++;
        yield `R${i};Fournitures diverses ${i};Fournitures;39130000;1 000,00;MAPA;0;12;01/01/2026;Non;Achats;Max Bo;max@dijon.fr\n`;
      }
    })());
    let count = 0;
    let producedAtFirst = 0;
    for await (const row of readProgramme(source, 'csv', 'dijon')) {
      if (count++ === 0) producedAtFirst = produced;
      expect(row.ok).toBe(true);
    }
    expect(count).toBe(10_000);
    expect(producedAtFirst).toBeLessThan(10_000);
  });
});

describe('purchase programme, XLSX', () => {
  async function workbook(fill: (sheet: ExcelJS.Worksheet) => void): Promise<Readable> {
    const book = new ExcelJS.Workbook();
    fill(book.addWorksheet('Programmation'));
    book.addWorksheet('Notes').addRow(['ignorée']);
    return Readable.from([Buffer.from(await book.xlsx.writeBuffer())]);
  }

  it('read cells as a spreadsheet types them: dates as dates or day numbers, amounts as numbers, booleans; rows by their number', async () => {
    const input = await workbook((sheet) => {
      sheet.addRow(['Programme des achats 2026']); // a title above the header: the header is the first row that names columns
      sheet.addRow([]);
      sheet.addRow(HEADER.split(';'));
      sheet.addRow(['PA-1', 'Travaux de voirie', 'Travaux', 45233140, 2_500_000.5, 'AOO', 4, 48, new Date(Date.UTC(2026, 8, 15)), false, 'Voirie', 'Léa Martin', 'lea@dijon.fr']);
      sheet.addRow([7, 'Produits d’entretien', 'Fournitures', '39830000', '12 500,00', 'MAPA', null, 12, 46113, true, 'Achats', 'Paul Roy', 'paul@dijon.fr']);
      sheet.addRow(['PA-3', 'Denrées', 'Fournitures', 3000000, 'beaucoup', 'MAPA', 0, 12, '15/01/2026', 'Oui', 'Restauration', 'Paul Roy', 'paul@dijon.fr']);
      sheet.getCell('A4').value = { richText: [{ text: 'PA-' }, { text: '1', font: { bold: true } }] };
    });
    const result = await rows(input, 'xlsx');
    expect(result).toMatchObject([
      { ok: true, line: 4, facts: { id: 'PROG-dijon-PA-1', cpv: '45233140', estimatedAmountHT: 2_500_000.5, plannedAwardDate: '2026-09-15', recurring: false, lots: 4, nature: 'works' } },
      { ok: true, line: 5, facts: { id: 'PROG-dijon-7', estimatedAmountHT: 12_500, plannedAwardDate: '2026-04-01', recurring: true, lots: 0 } },
      { ok: false, line: 6, issues: [{ field: 'Montant estimé (HT)', message: 'montant illisible (ex. 1 250 000,50) : « beaucoup »' }] },
    ]);
  });
});
