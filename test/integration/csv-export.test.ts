import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contractFacts } from '../support/contracts';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { person, type Person } from '../support/people';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let cookie: string;
// What a buyer may type as the object of a contract: a live link in a spreadsheet that does not neutralise it.
const contract = contractFacts(Date.now(), 6, {
  object: '=HYPERLINK("http://x","clic")', estimatedAmountHT: 401_234.56, buyer: { name: 'Lou Girard', email: `${uniqueId('acheteur')}@clermont.test` },
});
// A year no running contract reaches, so the seeded indicator events are the only ones.
// Far past any year the time-skipping workflow tests reach (they share this database): only this file writes there.
const YEAR = 2091;

const DAY = /^\d{2}\/\d{2}\/\d{4}$/;
const INSTANT = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/;
const NUMBER = /^-?\d+(,\d+)?$/;
const numberOf = (cell: string) => Number(cell.replace(',', '.'));

/** The manager's session cookie, from the sign-in form as a browser sends it. */
async function signIn(p: Person): Promise<string> {
  const res = await env.app.inject({
    method: 'POST', url: '/connexion', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ jeton: p.token, suite: '/contrats' }).toString(),
  });
  expect(res.statusCode).toBe(303);
  const session = res.cookies.find((c) => c.name === 'spaser_session')!;
  return `${session.name}=${session.value}`;
}

/** Downloads a CSV as the manager; checks what every export shares; returns its header and rows as a parser reads them. */
async function download(url: string, header: string): Promise<Record<string, string>[]> {
  const res = await env.app.inject({ method: 'GET', url, headers: { cookie } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+\.csv"$/);
  expect([...res.rawPayload.subarray(0, 3)], 'UTF-8 BOM').toEqual([0xef, 0xbb, 0xbf]);
  const text = res.rawPayload.toString('utf8');
  expect(text.slice(1).split('\r\n')[0]).toBe(header);
  expect(text.replace(/\r\n/g, '').includes('\n'), 'every line ends with CRLF').toBe(false);
  return parse(text, { bom: true, delimiter: ';', columns: true });
}

beforeAll(async () => {
  env = await webEnv();
  await env.start(contract);
  await eventually('the contract recorded by its workflow', () => env.db.contract.findUnique({ where: { id: contract.id } }).then((c) => c ?? undefined));
  cookie = await signIn(await person(env.db, 'manager', 'clermont'));
  const entry = (at: string, actor: string, summary: string) => ({
    id: uniqueId('csv'), contractId: contract.id, at: new Date(at), actor, action: 'note', detail: { summary }, policyVersion: 'test',
  });
  await env.db.auditEntry.createMany({
    data: [entry('2026-06-30T23:30:00Z', '+33 6 12 34 56 78', '-2+3'), entry('2026-01-15T23:30:00Z', 'hiver@clermont.test', 'Heure d’hiver')],
  });
  // One contract counted three times keeps the seed short; the figures' SQL adds events, it does not read contracts.
  const event = (indicator: string, value: number, inDenominator: boolean) => ({
    id: uniqueId('csv'), collectivityId: 'clermont', contractId: contract.id, indicator, year: YEAR, value, inDenominator,
    policyVersion: 'test', occurredAt: new Date(`${YEAR}-03-01T00:00:00Z`), buyingService: contract.buyingService,
  });
  await env.db.indicatorEvent.createMany({
    data: [event('env-criterion', 1, true), event('env-criterion', 0, true), event('env-criterion', 0, true), event('insertion-hours', 12.5, true)],
  });
});

afterAll(() => env?.teardown());

it('exports the contracts with the object as text, amounts as numbers and the planned award date as a day', async () => {
  const rows = await download('/contrats.csv', 'marché;collectivité;objet;service;acheteur;étape;statut;montant estimé HT;montant attribué HT;attribution prévue;tâches ouvertes;tâches en retard');
  const row = rows.find((r) => r['marché'] === contract.id)!;
  expect(row, 'the workflow’s contract is listed').toBeDefined();
  expect(row.objet).toBe(`'${contract.object}`);
  expect(row['montant estimé HT']).toBe('401234,56');
  expect(numberOf(row['montant estimé HT']!)).toBe(401_234.56);
  expect(row['montant attribué HT']).toBe('');
  const [y, m, d] = contract.plannedAwardDate.split('-');
  expect(row['attribution prévue']).toBe(`${d}/${m}/${y}`);
  expect(row['tâches ouvertes']).toMatch(NUMBER);
  for (const r of rows) {
    expect(r['montant estimé HT']).toMatch(NUMBER);
    expect(r['attribution prévue']).toMatch(DAY);
  }
});

it('exports the audit trail with Paris times and neutralised text', async () => {
  const rows = await download(`/contrats/${contract.id}/historique.csv`, 'date;source;qui;action;détail');
  expect(rows.find((r) => r.action === 'note' && r['détail'] === "'-2+3")).toMatchObject({ date: '01/07/2026 01:30', qui: "'+33 6 12 34 56 78" });
  expect(rows.find((r) => r['détail'] === 'Heure d’hiver')).toMatchObject({ date: '16/01/2026 00:30', qui: 'hiver@clermont.test' });
  expect(rows.some((r) => r.source === 'moteur'), 'the engine’s history is there too').toBe(true);
  for (const r of rows) expect(r.date).toMatch(INSTANT);
});

it('exports the indicators with shares and sums as numbers', async () => {
  const rows = await download(`/indicateurs.csv?annee=${YEAR}`, 'indicateur;libellé;année;numérateur;dénominateur;valeur;objectifs');
  const of = (indicator: string, year: number) => rows.find((r) => r.indicateur === indicator && r['année'] === String(year));
  const share = of('env-criterion', YEAR)!;
  expect(share).toMatchObject({ 'numérateur': '1', 'dénominateur': '3' });
  expect(share.valeur).toMatch(/^0,3{10,}$/);
  expect(numberOf(share.valeur!)).toBeCloseTo(1 / 3, 12);
  expect(of('insertion-hours', YEAR)).toMatchObject({ 'numérateur': '12,5', 'dénominateur': '', valeur: '12,5' });
  expect(of('env-criterion', YEAR - 2)).toMatchObject({ 'numérateur': '0', 'dénominateur': '0', valeur: '' });
});
