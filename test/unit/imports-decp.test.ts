import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwardedSchema } from '../../domain/answers';
import { decpContract, natureOf, readDecp, type DecpOptions, type DecpRow } from '../../imports/decp';
import { ImportFileError } from '../../imports/cells';

const OPTIONS: DecpOptions = {
  collectivityId: 'dijon', buyer: { name: 'Léa Martin', email: 'lea.martin@dijon.fr' }, buyingService: 'Commande publique', recurring: false, today: '2026-01-01',
};
const fixture = (name: string) => createReadStream(new URL(`./fixtures/decp/${name}`, import.meta.url));
const json = (value: unknown) => Readable.from([Buffer.from(JSON.stringify(value))]);

async function rows(input: Readable, options = OPTIONS): Promise<DecpRow[]> {
  const out: DecpRow[] = [];
  for await (const row of readDecp(input, options)) out.push(row);
  return out;
}

/** The minimal valid marché of schemas/decp/SOURCE.md. */
const MARCHE = {
  id: '2024-0001', acheteur: { id: '21750001600019' }, nature: 'Marché', objet: 'Fourniture de mobilier de bureau', codeCPV: '39130000',
  techniques: { technique: ['Sans objet'] }, modalitesExecution: { modaliteExecution: ['Sans objet'] }, marcheInnovant: false,
  ccag: 'Fournitures courantes et services', offresRecues: 3, attributionAvance: false, typeGroupementOperateurs: 'Pas de groupement',
  sousTraitanceDeclaree: false, procedure: 'Procédure adaptée', lieuExecution: { code: '75056', typeCode: 'Code commune' }, dureeMois: 12,
  dateNotification: '2024-03-15', datePublicationDonnees: '2024-03-20', montant: 45000, typesPrix: { typePrix: ['Définitif ferme'] },
  formePrix: 'Forfaitaire', titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: '55204599900869' } }],
  considerationsSociales: { considerationSociale: ['Pas de considération sociale'] },
  considerationsEnvironnementales: { considerationEnvironnementale: ['Pas de considération environnementale'] },
};

describe('DECP import', () => {
  it('accept every marché of the official examples, as notified; skip the concessions', async () => {
    for (const file of ['marches_avec_modifications.json', 'marches_concessions.json']) {
      const result = await rows(fixture(file));
      expect(result.map((r) => [r.index, r.ok]), file).toEqual([[0, true], [1, true]]);
      const [first] = result;
      expect(first).toEqual({
        ok: true, index: 0, contract: {
          facts: {
            id: 'DECP-21750001630066-TEST2022', collectivityId: 'dijon', object: 'envoi pour Json test 1', nature: 'works', cpv: '45000000-7',
            estimatedAmountHT: 575000, procedure: 'appel-offres', lots: 0, durationMonths: 48, plannedAwardDate: '2024-05-15', recurring: false,
            buyingService: 'Commande publique', buyer: OPTIONS.buyer,
          },
          award: {
            outcome: 'awarded', awardedAmountHT: 575000, notifiedOn: '2024-05-15', startDate: '2024-05-15', endDate: '2028-05-15',
            supplier: { siret: '55204599900869' }, bids: 4, coContracting: false,
            social: ['Clause sociale', 'Critère social'], environmental: ['Clause environnementale'],
          },
          buyerSiret: '21750001630066',
          // The modification sets a new duration of 12 months: the contract ends a year after its notification.
          endsOn: '2025-05-15', ended: true,
        },
      });
    }
  });

  it('give an award that AwardedSchema accepts once the caller adds what the DECP does not publish about the supplier', async () => {
    const [row] = await rows(fixture('marches_avec_modifications.json'));
    if (!row?.ok) throw new Error('refused');
    const supplier = { ...row.contract.award.supplier, name: 'Entreprise', size: 'PME', socialStatus: 'none', departement: '75' };
    expect(AwardedSchema.safeParse({ ...row.contract.award, supplier }).success).toBe(true);
    expect(AwardedSchema.safeParse(row.contract.award).success).toBe(false);
  });

  it('read the older { marches: [...] } array form, flat titulaires included', async () => {
    const older = { ...MARCHE, titulaires: [{ typeIdentifiant: 'SIRET', id: '552 045 999 00869' }] };
    expect(await rows(json({ marches: [older] }))).toMatchObject([{ ok: true, index: 0, contract: { award: { supplier: { siret: '55204599900869' } } } }]);
  });

  it('map procedures, co-contracting and considerations; end after today is not ended', () => {
    const map = (over: object) => decpContract({ ...MARCHE, ...over }, 0, OPTIONS);
    const procedures = {
      'Procédure adaptée': 'mapa', "Appel d'offres ouvert": 'appel-offres', "Appel d'offres restreint": 'appel-offres',
      'Procédure avec négociation': 'procedure-avec-negociation', 'Dialogue compétitif': 'dialogue-competitif',
      'Marché passé sans publicité ni mise en concurrence préalable': 'sans-publicite',
    };
    for (const [procedure, ours] of Object.entries(procedures)) expect(map({ procedure })).toMatchObject({ ok: true, contract: { facts: { procedure: ours } } });
    const group = [{ titulaire: { typeIdentifiant: 'SIRET', id: '55204599900869' } }, { titulaire: { typeIdentifiant: 'SIRET', id: '38103128500491' } }];
    expect(map({ titulaires: group })).toMatchObject({ ok: true, contract: { award: { coContracting: true, supplier: { siret: '55204599900869' } } } });
    expect(map({ typeGroupementOperateurs: 'Solidaire' })).toMatchObject({ ok: true, contract: { award: { coContracting: true } } });
    expect(map({ dateNotification: '2025-06-30', dureeMois: 12 })).toMatchObject({ ok: true, contract: { award: { endDate: '2026-06-30' }, endsOn: '2026-06-30', ended: false } });
    expect(map({})).toMatchObject({ ok: true, contract: { award: { social: ['Pas de considération sociale'], environmental: ['Pas de considération environnementale'] } } });
  });

  it('derive the nature from the CCAG (works, design) else the CPV division', () => {
    expect(natureOf('71000000', 'Maitrise d\'œuvre')).toBe('design');
    expect(natureOf('71000000', 'Prestations intellectuelles')).toBe('services');
    expect(natureOf('45112500', 'Pas de CCAG')).toBe('works');
    expect(natureOf('03000000-1')).toBe('supplies');
    expect(natureOf('44000000')).toBe('supplies');
    expect(natureOf('48000000-8')).toBe('supplies');
    expect(natureOf('50000000')).toBe('services');
    expect(natureOf('98000000')).toBe('services');
    expect(natureOf('30192000', 'Travaux')).toBe('works');
  });

  it('refuse a marché naming its DECP paths: a titulaire without a SIRET, an unknown procedure, missing considerations', async () => {
    const bad = [
      { ...MARCHE, id: 'A', titulaires: [{ titulaire: { typeIdentifiant: 'TVA', id: 'FR12345678901' } }] },
      { ...MARCHE, id: 'B', titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: '868768687576575' } }], procedure: 'Concours' },
      { ...MARCHE, id: 'C', considerationsSociales: undefined, offresRecues: 0, dateNotification: '2024-02-30' },
    ];
    expect(await rows(json({ marches: { marche: bad } }))).toEqual([
      { ok: false, index: 0, id: 'A', issues: [{ field: 'titulaires[0].titulaire.typeIdentifiant', message: expect.stringContaining('seul un SIRET') }] },
      {
        ok: false, index: 1, id: 'B', issues: [
          { field: 'procedure', message: 'procédure inconnue : « Concours »' },
          { field: 'titulaires[0].titulaire.id', message: 'SIRET à 14 chiffres : « 868768687576575 »' },
        ],
      },
      {
        ok: false, index: 2, id: 'C', issues: [
          { field: 'dateNotification', message: 'date au format AAAA-MM-JJ' },
          { field: 'offresRecues', message: expect.any(String) },
          { field: 'considerationsSociales', message: 'champ requis' },
        ],
      },
    ]);
  });

  it('give the same ids to the same file; the buyer SIRET is part of them; a marché published twice is imported once', async () => {
    const file = { marches: { marche: [MARCHE, { ...MARCHE, acheteur: { id: '21210231500019' } }, MARCHE] } };
    const first = await rows(json(file));
    expect(await rows(json(file))).toEqual(first);
    expect(first.map((r) => (r.ok ? r.contract.facts.id : r))).toEqual([
      'DECP-21750001600019-2024-0001', 'DECP-21210231500019-2024-0001', { ok: false, index: 2, id: '2024-0001', issues: [{ field: 'id', message: 'marché déjà lu (position 0)' }] },
    ]);
  });

  it('stream the marchés: the first comes before the file is read through; a broken file is said in French', async () => {
    let produced = 0;
    const source = Readable.from((function* () {
      yield '{"marches":{"marche":[';
      for (let i = 0; i < 5000; i++) {
        produced++;
        yield `${i ? ',' : ''}${JSON.stringify({ ...MARCHE, id: `M${i}` })}`;
      }
      yield ']}}';
    })());
    let count = 0;
    let producedAtFirst = 0;
    for await (const row of readDecp(source, OPTIONS)) {
      if (count++ === 0) producedAtFirst = produced;
      expect(row.ok).toBe(true);
    }
    expect(count).toBe(5000);
    expect(producedAtFirst).toBeLessThan(5000);
    await expect(rows(Readable.from(['{"marches": {"marche": [ {"id": ']))).rejects.toThrow(ImportFileError);
    await expect(rows(json({}), { ...OPTIONS, today: '01/01/2026' })).rejects.toThrow();
  });
});
