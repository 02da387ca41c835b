import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskLinks } from '../../mail/links';
import { uniqueId } from '../support/env';
import { person, type Person } from '../support/people';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
const ids = { c1: uniqueId('CF'), c2: uniqueId('CF'), c3: uniqueId('CF'), d1: uniqueId('DJ') };
const mine = (list: { id: string }[]) => list.map((c) => c.id).filter((id) => Object.values(ids).includes(id)).sort();
let people: Record<'buyerA' | 'buyerB' | 'plie' | 'manager' | 'dijonManager' | 'dijonBuyer', Person>;

async function seedContract(id: string, collectivityId: string, buyerEmail: string, extra: { partner?: string; taskFor?: string } = {}) {
  await env.db.contract.create({
    data: {
      id, collectivityId, cycle: 1, object: `Marché ${id}`, nature: 'services', cpv: '90910000', estimatedAmountHt: 100_000, procedure: 'appel-offres',
      durationMonths: 24, plannedAwardDate: new Date('2027-06-01'), recurring: false, buyingService: 'Bâtiments', buyerName: 'Acheteur', buyerEmail,
      phase: 'consultation', status: 'active', policyVersion: 'test', workflowId: `contract-${id}`,
    },
  });
  await env.db.task.create({
    data: {
      id: `${id}:c1:allotment`, contractId: id, kind: 'allotment', phase: 'consultation', title: 'Allotissement', why: 'test', source: 'test',
      assigneeEmail: extra.taskFor ?? buyerEmail, dueAt: new Date(Date.now() - 86_400_000), status: 'open',
    },
  });
  if (extra.partner) await env.db.contractPartner.create({ data: { contractId: id, partnerId: extra.partner, collectivityId } });
}

beforeAll(async () => {
  env = await webEnv({ worker: false });
  for (const [id, name] of [['clermont', 'Clermont Auvergne Métropole'], ['dijon', 'Dijon Métropole']] as const) {
    await env.db.collectivity.upsert({ where: { id }, create: { id, name, departement: '00', region: 'test' }, update: {} });
  }
  people = {
    buyerA: await person(env.db, 'buyer', 'clermont'),
    buyerB: await person(env.db, 'buyer', 'clermont'),
    plie: await person(env.db, 'partner', 'clermont', { partnerId: 'plie' }),
    manager: await person(env.db, 'manager', 'clermont'),
    dijonManager: await person(env.db, 'manager', 'dijon'),
    dijonBuyer: await person(env.db, 'buyer', 'dijon'),
  };
  await seedContract(ids.c1, 'clermont', people.buyerA.email);
  await seedContract(ids.c2, 'clermont', people.buyerB.email);
  await seedContract(ids.c3, 'clermont', people.buyerB.email, { partner: 'plie' });
  // A Dijon contract whose buyer address is a Clermont buyer's: the collectivity still decides.
  await seedContract(ids.d1, 'dijon', people.buyerA.email, { taskFor: people.dijonBuyer.email });
});

afterAll(() => env?.teardown());

const api = (p: Person | undefined, method: 'GET' | 'POST', url: string, payload?: object) =>
  env.app.inject({ method, url, headers: { ...(p ? { authorization: `Bearer ${p.token}` } : {}), ...(payload ? { 'content-type': 'application/json' } : {}) }, payload: payload ? JSON.stringify(payload) : undefined });

describe('API', () => {
  it('lists to each role exactly the contracts it may read', async () => {
    const seen = async (p: Person) => mine((await api(p, 'GET', '/api/contrats')).json().contrats);
    expect(await seen(people.manager)).toEqual([ids.c1, ids.c2, ids.c3].sort());
    expect(await seen(people.buyerA)).toEqual([ids.c1]);
    expect(await seen(people.buyerB)).toEqual([ids.c2, ids.c3].sort());
    expect(await seen(people.plie)).toEqual([ids.c3]);
    expect(await seen(people.dijonManager)).toEqual([ids.d1]);
    expect(await seen(people.dijonBuyer)).toEqual([ids.d1]);
  });

  it('refuses every read and answer across collectivities, and answers from partners', async () => {
    for (const url of [`/api/contrats/${ids.c1}`, `/api/contrats/${ids.c1}/historique`]) {
      expect((await api(people.dijonManager, 'GET', url)).statusCode).toBe(404);
      expect((await api(people.manager, 'GET', url)).statusCode).toBe(200);
    }
    expect((await api(people.manager, 'GET', `/api/contrats/${ids.d1}`)).statusCode).toBe(404);
    expect((await api(people.buyerA, 'GET', `/api/contrats/${ids.d1}`)).statusCode).toBe(404);
    expect((await api(people.plie, 'GET', `/api/contrats/${ids.c1}`)).statusCode).toBe(404);
    const answer = { lots: 3 };
    expect((await api(people.dijonManager, 'POST', `/api/taches/${ids.c1}:c1:allotment/reponse`, answer)).statusCode).toBe(404);
    expect((await api(people.buyerA, 'POST', `/api/taches/${ids.c2}:c1:allotment/reponse`, answer)).statusCode).toBe(404);
    const partner = await api(people.plie, 'POST', `/api/taches/${ids.c3}:c1:allotment/reponse`, answer);
    expect(partner.statusCode).toBe(403);
    expect(partner.json().erreur).toContain('pas répondre');
  });

  it('names the wrong field of an answer, and wants a token', async () => {
    const bad = await api(people.buyerA, 'POST', `/api/taches/${ids.c1}:c1:allotment/reponse`, { lots: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().champs).toEqual({ justification: 'justifiez l’absence d’allotissement' });
    expect((await api(undefined, 'GET', '/api/contrats')).statusCode).toBe(401);
    expect((await api({ ...people.buyerA, token: 'spaser_forged' }, 'GET', '/api/contrats')).statusCode).toBe(401);
    expect(mine((await api(people.buyerA, 'GET', '/api/taches')).json().taches.map((t: { contractId: string }) => ({ id: t.contractId })))).toEqual([ids.c1]);
  });
});

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString(),
});

describe('pages', () => {
  async function signIn(p: Person): Promise<string> {
    const res = await env.app.inject({ method: 'POST', url: '/connexion', ...form({ jeton: p.token, suite: '/contrats' }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/contrats');
    const cookie = res.cookies.find((c) => c.name === 'spaser_session')!;
    return `${cookie.name}=${cookie.value}`;
  }
  const get = (cookie: string | undefined, url: string) => env.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  it('show each role its contracts only, and the same 404 for another collectivity’s', async () => {
    const manager = await signIn(people.manager);
    const list = (await get(manager, '/contrats')).body;
    for (const id of [ids.c1, ids.c2, ids.c3]) expect(list).toContain(id);
    expect(list).not.toContain(ids.d1);
    expect((await get(manager, `/contrats/${ids.c1}`)).statusCode).toBe(200);
    expect((await get(manager, `/contrats/${ids.d1}`)).statusCode).toBe(404);

    const plie = await signIn(people.plie);
    expect((await get(plie, '/contrats')).body).toContain(ids.c3);
    expect((await get(plie, '/contrats')).body).not.toContain(ids.c1);
    expect((await get(plie, `/contrats/${ids.c1}`)).statusCode).toBe(404);
    expect((await get(plie, `/taches/${ids.c3}:c1:allotment`)).statusCode).toBe(404);

    const dijon = await signIn(people.dijonManager);
    const csv = (await get(dijon, '/contrats.csv')).body;
    expect(csv).toContain(ids.d1);
    expect(csv).not.toContain(ids.c1);
    expect((await get(dijon, `/contrats/${ids.c1}/historique.csv`)).statusCode).toBe(404);
  });

  it('filter the manager’s view by overdue tasks and phase, and export it as CSV', async () => {
    const manager = await signIn(people.manager);
    expect((await get(manager, '/contrats?retard=1&phase=consultation')).body).toContain(ids.c1);
    expect((await get(manager, '/contrats?phase=execution')).body).not.toContain(ids.c1);
    const csv = await get(manager, '/contrats.csv?retard=1');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toContain('marché;collectivité;objet');
  });

  it('refuse an answer form posted across collectivities, and a link moved to another collectivity’s task', async () => {
    const dijon = await signIn(people.dijonManager);
    const task = `${ids.c1}:c1:allotment`;
    const posted = await env.app.inject({ method: 'POST', url: `/taches/${task}`, headers: { cookie: dijon, ...form({}).headers }, payload: form({ lots: '3' }).payload });
    expect(posted.statusCode).toBe(404);
    // A mail's link names one task, signed: pointed at another collectivity's task, it is refused as modified.
    const { url } = await TaskLinks.fromConfig(env.config.web).create({ taskId: `${ids.d1}:c1:allotment`, email: people.dijonBuyer.email });
    const [head, body, signature] = url.slice(url.lastIndexOf('/') + 1).split('.');
    const moved = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), sub: task })).toString('base64url');
    const tampered = await env.app.inject({ method: 'POST', url: `/repondre/${head}.${moved}.${signature}`, ...form({ lots: '3' }) });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body).toContain('Lien invalide');
    expect(await env.db.task.findUnique({ where: { id: task } })).toMatchObject({ status: 'open', answer: null });
  });

  it('send visitors without a valid session to the sign-in page', async () => {
    const anonymous = await get(undefined, '/contrats');
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toBe('/connexion?suite=%2Fcontrats');
    const forged = await get('spaser_session=someone-else.signature', '/contrats');
    expect(forged.statusCode).toBe(302);
    const wrong = await env.app.inject({ method: 'POST', url: '/connexion', ...form({ jeton: 'spaser_nope' }) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Jeton inconnu');
  });
});
