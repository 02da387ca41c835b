import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AwardAnswer } from '../../domain/answers';
import type { LifecycleDriver } from '../support/lifecycle-driver';
import { answers, contractFacts } from '../support/contracts';
import { saveHistory } from '../support/histories';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';
import { taskId } from '../../workflows/lifecycle/tasks';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

const buyer = 'camille.martin@clermont.test';
const system = 'profil-acheteur';
const supplier = (name: string, siret: string) => ({ siret, name, size: 'PME', socialStatus: 'none', departement: '63' });
const first = supplier('Premier arrivé SARL', '11111111100011');
const second = supplier('Second arrivé SAS', '22222222200022');

type Source = 'person' | 'event';
const consultation = ['allotment', 'anti-discrimination-clause', 'environmental-considerations', 'impact-data-clauses', 'negotiation', 'sme-advance'] as const;
const consultationAnswers = {
  allotment: answers.allotment, 'environmental-considerations': answers.environmental, 'anti-discrimination-clause': answers.antiDiscrimination,
  'sme-advance': answers.smeAdvance, negotiation: answers.negotiation, 'impact-data-clauses': answers.impactData,
};
type Moment = 'before the task opens' | 'after the task opened';

/** A small service contract: six consultation questions, then the award. */
async function untilConsultation(): Promise<LifecycleDriver> {
  const now = await t.env.currentTimeMs();
  const d = await t.start(contractFacts(now, 24, {
    object: 'Maintenance des horodateurs', nature: 'services', cpv: '50000000', estimatedAmountHT: 30_000, procedure: 'mapa', durationMonths: 12, recurring: false,
  }));
  await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(false));
  await d.expectTasks([...consultation]);
  return d;
}

/** The award as a person answers it (through the task's id, open or not yet), or as an event carries it. */
async function send(d: LifecycleDriver, contractId: string, source: Source, award: Omit<AwardAnswer, 'outcome'>, n: number): Promise<void> {
  if (source === 'person') await d.answerTask(taskId(contractId, 1, 'award-record'), { outcome: 'awarded', ...award }, buyer);
  else await d.event({ type: 'awarded', eventId: `evt-award-${n}`, by: system, award });
}

async function awardTo(s: typeof first): Promise<Omit<AwardAnswer, 'outcome'>> {
  const { outcome: _o, ...award } = answers.award(await t.env.currentTimeMs(), 12, { awardedAmountHT: 29_000, supplier: s }) as AwardAnswer;
  return award;
}

const cases: { a: Source; b: Source; moment: Moment }[] = [];
for (const moment of ['before the task opens', 'after the task opened'] as Moment[]) {
  cases.push({ a: 'person', b: 'event', moment }, { a: 'event', b: 'person', moment });
}

for (const { a, b, moment } of cases) it(`the ${a}’s answer, then the ${b}’s, ${moment}: the first wins, recorded once`, async () => {
  const d = await untilConsultation();
  const { contractId } = await d.status();
  const both = async () => {
    await send(d, contractId, a, await awardTo(first), 1);
    await send(d, contractId, b, await awardTo(second), 2);
  };
  if (moment === 'before the task opens') await both();
  await d.answerAll(consultationAnswers);
  if (moment === 'after the task opened') {
    await d.expectTasks(['award-record']);
    await both();
  }

  await d.expectTasks(['kickoff-meeting']);
  const s = await d.status();
  expect(s.decisions['award-record']).toMatchObject({ outcome: 'awarded', supplier: { name: first.name } });
  const id = taskId(contractId, 1, 'award-record');
  const row = await t.db.task.findUnique({ where: { id } });
  expect(row).toMatchObject({ status: 'answered', answeredBy: a === 'person' ? buyer : system, answer: { supplier: { name: first.name } } });
  const audit = await t.db.auditEntry.findMany({ where: { contractId, detail: { path: ['taskId'], equals: id } }, orderBy: { at: 'asc' } });
  const actions = audit.map((e) => e.action);
  expect(actions.filter((x) => x === 'task.answered')).toHaveLength(1);
  expect(audit.find((e) => e.action === 'task.answered')?.detail).toMatchObject({ via: a });
  const ignored = audit.filter((e) => e.action === 'answer.ignored');
  // The driver sends each message once the workflow has settled: after the opening, the first answer is recorded
  // (its task closed) before the second arrives; before it, both wait for the task.
  const reason = moment === 'before the task opens' ? 'tâche déjà répondue' : 'tâche déjà close';
  expect(ignored.map((e) => [e.actor, (e.detail as { summary: string }).summary])).toEqual([[b === 'person' ? buyer : system, `Réponse ignorée : ${reason} : ${id}`]]);
  // The award's figures are recorded once, for the first answer's supplier.
  const figures = await t.db.indicatorEvent.findMany({ where: { contractId } });
  expect(figures.length).toBeGreaterThan(0);
  expect(new Set(figures.map((f) => f.indicator)).size).toBe(figures.length);
  expect(await t.db.supplier.findUnique({ where: { siret: second.siret } })).toBeNull();
  await saveHistory(`answer-intake.${a}-then-${b}-${moment === 'before the task opens' ? 'before' : 'after'}-opening`, d);
  await d.stop();
});

it('validates an answer carried by an event like a person’s: an invalid one is ignored with its reason, the task stays open', async () => {
  const d = await untilConsultation();
  await d.answerAll(consultationAnswers);
  await d.expectTasks(['award-record']);
  const award = { ...(await awardTo(first)), supplier: { ...first, siret: '123' } } as Omit<AwardAnswer, 'outcome'>;
  const s = await d.event({ type: 'awarded', eventId: 'evt-award-invalid', by: system, award });
  expect(s.openTasks.map((x) => x.kind)).toEqual(['award-record']);
  expect(s.history.at(-1)).toMatchObject({ actor: system, action: 'answer.ignored', summary: expect.stringContaining('supplier.siret : SIRET à 14 chiffres') });
  await expect(d.answer('award-record', { outcome: 'awarded' })).rejects.toThrow(/Réponse invalide : awardedAmountHT/);
  await d.answer('award-record', { outcome: 'awarded', ...(await awardTo(first)) }, buyer);
  await d.expectTasks(['kickoff-meeting']);
  await d.stop();
});

it('ignores an answer to a task already closed, and one for another contract', async () => {
  const d = await untilConsultation();
  const { contractId } = await d.status();
  const closed = taskId(contractId, 1, 'programming-questionnaire');
  let s = await d.answerTask(closed, answers.programming, buyer);
  expect(s.history.at(-1)).toMatchObject({ action: 'answer.ignored', summary: `Réponse ignorée : tâche déjà close : ${closed}` });
  s = await d.answerTask(taskId('AUTRE-CONTRAT', 1, 'award-record'), { outcome: 'awarded', ...(await awardTo(first)) }, buyer);
  expect(s.history.at(-1)).toMatchObject({ action: 'answer.ignored', summary: expect.stringContaining('tâche inconnue') });
  expect(s.openTasks.map((x) => x.kind).sort()).toEqual([...consultation]);
  await d.stop();
});
