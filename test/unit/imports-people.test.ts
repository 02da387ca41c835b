import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readPeople, type PeopleRow } from '../../imports/people';

const PARTNERS = ['creativ21', 'plie'];
const csv = (...lines: string[]) => Readable.from([Buffer.from(lines.join('\n'))]);

async function rows(input: Readable, format: 'csv' | 'xlsx' = 'csv'): Promise<PeopleRow[]> {
  const out: PeopleRow[] = [];
  for await (const row of readPeople(input, PARTNERS, format)) out.push(row);
  return out;
}

describe('people', () => {
  it('read French roles, a BOM and ";": buyers, managers, partners with their partner; addresses in lower case', async () => {
    const result = await rows(csv(
      '\uFEFFCourriel;Nom;Rôle;Partenaire',
      'Lea.Martin@Dijon.fr;Léa Martin;Acheteur;',
      'paul.roy@dijon.fr;Paul Roy;RESPONSABLE;',
      'contact@creativ21.fr;Équipe CREATIV’21;partenaire;CREATIV21',
    ));
    expect(result).toEqual([
      { ok: true, line: 2, person: { email: 'lea.martin@dijon.fr', name: 'Léa Martin', role: 'buyer' } },
      { ok: true, line: 3, person: { email: 'paul.roy@dijon.fr', name: 'Paul Roy', role: 'manager' } },
      { ok: true, line: 4, person: { email: 'contact@creativ21.fr', name: 'Équipe CREATIV’21', role: 'partner', partnerId: 'creativ21' } },
    ]);
  });

  it('refuse bad rows naming the line and the column: address, role, partner missing, unknown or out of place, an address twice', async () => {
    const result = await rows(csv(
      'email,nom,rôle,partenaire',
      'pas-une-adresse,X,chef,',
      'a@dijon.fr,Ana Diaz,partenaire,',
      'b@dijon.fr,Bo Lin,partenaire,mission-locale',
      'c@dijon.fr,Cy Roy,acheteur,plie',
      'A@dijon.fr,Ana bis,acheteur,',
    ));
    expect(result).toEqual([
      {
        ok: false, line: 2, issues: [
          { field: 'email', message: 'adresse électronique invalide : « pas-une-adresse »' },
          { field: 'nom', message: 'indiquez le nom (2 caractères au moins)' },
          { field: 'rôle', message: 'rôle inconnu : « chef » (acheteur, responsable ou partenaire)' },
        ],
      },
      { ok: false, line: 3, issues: [{ field: 'partenaire', message: 'indiquez le partenaire que cette personne représente' }] },
      { ok: false, line: 4, issues: [{ field: 'partenaire', message: 'partenaire inconnu de la politique : « mission-locale » (connus : creativ21, plie)' }] },
      { ok: false, line: 5, issues: [{ field: 'partenaire', message: expect.stringContaining('seul un partenaire') }] },
      { ok: false, line: 6, issues: [{ field: 'email', message: 'adresse déjà donnée ligne 3' }] },
    ]);
  });

  it('refuse a file without the role column on its header line; the partner column may be absent', async () => {
    expect(await rows(csv('Email;Nom', 'a@dijon.fr;Ana'))).toEqual([{ ok: false, line: 1, issues: [{ field: 'Rôle', message: 'colonne absente (noms reconnus : Rôle, Profil)' }] }]);
    expect(await rows(csv('Email;Nom;Rôle', 'a@dijon.fr;Ana Diaz;acheteur'))).toMatchObject([{ ok: true, person: { role: 'buyer' } }]);
  });

  it('read the same columns from an XLSX file', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Personnes');
    sheet.addRows([['Adresse électronique', 'Nom', 'Profil', 'Partenaire'], ['plie@clermont.fr', 'PLIE Clermont', 'Partenaire', 'plie']]);
    const input = Readable.from([Buffer.from(await book.xlsx.writeBuffer())]);
    expect(await rows(input, 'xlsx')).toEqual([{ ok: true, line: 2, person: { email: 'plie@clermont.fr', name: 'PLIE Clermont', role: 'partner', partnerId: 'plie' } }]);
  });
});
