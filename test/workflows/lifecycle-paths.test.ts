import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectMailsDelivered } from '../support/mails';
import { answers, contractFacts } from '../support/contracts';
import { saveHistory } from '../support/histories';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

const DAY = 86_400_000;

it('reserves a 60 k€ contract to an ESAT after the reservation check, then ends on early termination', async () => {
  const now = await t.env.currentTimeMs();
  const contract = contractFacts(now, 24, {
    object: 'Travaux d’impression', cpv: '79800000', estimatedAmountHT: 60_000, procedure: 'mapa', durationMonths: 24, recurring: false,
  });
  const d = await t.start(contract);
  await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(true)); // an ESAT offer exists

  // ≤ 90 k€ and an inclusive offer: reservation, not insertion; < 215 k€: the SME advance; > 50 k€ and 24 months: the
  // mandatory advance and price revision; MAPA: negotiation, whose absence must be justified (003 action 20); impact
  // data on every contract (003 action 25).
  const consultation = await d.expectTasks([
    'reservation', 'allotment', 'environmental-considerations', 'anti-discrimination-clause',
    'sme-advance', 'mandatory-advance', 'price-revision', 'negotiation', 'impact-data-clauses',
  ]);
  expect(consultation.openTasks.find((x) => x.kind === 'negotiation')?.why).toContain('MAPA');
  await expect(d.answer('negotiation', { negotiation: false })).rejects.toThrow(/justification : motivez l’absence de négociation/);
  const rejected = d.answer('reservation', { reserved: true }); // no "reservedTo": refused, the task stays open
  await expect(rejected).rejects.toThrow(/reservedTo : précisez SIAE, EA-ESAT ou ESS/);
  expect((await d.status()).openTasks.map((x) => x.kind)).toContain('reservation');
  await d.answerAll({
    reservation: answers.reservation('EA-ESAT'), allotment: { lots: 1, justification: 'Prestation unique et indivisible' },
    'environmental-considerations': answers.environmental, 'anti-discrimination-clause': answers.antiDiscrimination,
    'sme-advance': answers.smeAdvance, 'mandatory-advance': answers.mandatoryAdvance, 'price-revision': answers.priceRevision,
    negotiation: { negotiation: false, justification: 'Offre unique, conforme et au juste prix' }, 'impact-data-clauses': answers.impactData,
  });
  await d.expectTasks(['award-record']);
  await d.answer('award-record', answers.award(await t.env.currentTimeMs(), 24, {
    awardedAmountHT: 58_000, social: ['Marché réservé'], supplier: { siret: '98765432100011', name: 'ESAT des Volcans', size: 'TPE', socialStatus: 'ESAT', departement: '63' },
  }));
  await d.expectTasks(['kickoff-meeting']);
  await d.answer('kickoff-meeting', answers.kickoff(await t.env.currentTimeMs()));
  await d.expectPhase('execution');

  await d.skip(100 * DAY);
  await d.event({ type: 'noted', eventId: 'evt-order-1', what: 'Bon de commande n°1', detail: { amountHT: 4_000 } });
  await d.event({ type: 'noted', eventId: 'evt-order-1', what: 'Bon de commande n°1 (renvoyé)', detail: { amountHT: 4_000 } }); // same event: ignored
  await d.event({ type: 'terminated', eventId: 'evt-term-1', reason: 'Cessation d’activité du titulaire' });
  expect(await d.expectClosed()).toBe('COMPLETED');
  expect(await d.status()).toMatchObject({ phase: 'closure', status: 'terminated' });

  const reserved = await t.db.indicatorEvent.findMany({ where: { contractId: contract.id, indicator: 'reserved-contracts' } });
  expect(reserved.map((e) => Number(e.value))).toEqual([1]);
  expect(await t.db.supplier.findUnique({ where: { siret: '98765432100011' } })).toMatchObject({ socialStatus: 'ESAT' });
  const closing = await t.db.auditEntry.findMany({ where: { contractId: contract.id, action: { in: ['contract.noted', 'contract.terminated', 'contract.termination-requested'] } } });
  expect(closing.map((a) => a.action).sort()).toEqual(['contract.noted', 'contract.terminated', 'contract.termination-requested']);
  await saveHistory('clermont-esat-terminated', d);
});

it('invites CREATIV’21 to the kickoff of a works contract with an insertion clause and counts its hours each year', async () => {
  const now = await t.env.currentTimeMs();
  const contract = contractFacts(now, 36, {
    collectivityId: 'dijon', object: 'Réhabilitation du groupe scolaire', nature: 'works', cpv: '45214200', estimatedAmountHT: 1_200_000,
    procedure: 'mapa', durationMonths: 24, recurring: false, buyer: { name: 'Alix Petit', email: 'alix.petit@dijon.test' }, manager: undefined,
  });
  const d = await t.start(contract);
  await d.expectTasks(['programming-questionnaire']); // Dijon programs 36 months ahead
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(false));
  // No inclusive offer at sourcing: no reservation (Dijon sets no ceiling); deliveries and transport (001:660).
  const consultation = await d.expectTasks([
    'insertion-clause', 'allotment', 'environmental-considerations', 'eco-labels', 'equality-clauses', 'sme-advance', 'mandatory-advance',
    'price-revision', 'negotiation', 'works-clauses', 'transport-clauses',
  ]);
  expect(consultation.openTasks.find((x) => x.kind === 'insertion-clause')?.why).toContain('CREATIV');
  await d.answerAll({
    'insertion-clause': answers.insertion(3000), allotment: answers.allotment, 'environmental-considerations': answers.environmental,
    'eco-labels': { labelsRequired: ['ISO 14001'] }, 'equality-clauses': answers.equality, 'sme-advance': answers.smeAdvance,
    'mandatory-advance': answers.mandatoryAdvance, 'price-revision': answers.priceRevision, negotiation: answers.negotiation, 'works-clauses': answers.works,
    'transport-clauses': answers.transport,
  });
  await d.expectTasks(['award-record']);
  const awardedAt = await t.env.currentTimeMs();
  await d.answer('award-record', answers.award(awardedAt, 24, { supplier: { siret: '55566677700018', name: 'BTP Côte-d’Or', size: 'PME', socialStatus: 'none', departement: '21' } }));
  await d.expectTasks(['kickoff-meeting']);
  const invitation = await t.db.notification.findFirst({ where: { contractId: contract.id, kind: 'partner-kickoff' } });
  expect(invitation).toMatchObject({ to: ['clauses@creativ21.test'], cc: ['alix.petit@dijon.test'] });
  expect(invitation?.data).toMatchObject({ partner: 'CREATIV\'21', hours: 3000, contractor: 'BTP Côte-d’Or' });
  await d.answer('kickoff-meeting', answers.kickoff(awardedAt));

  // Year 1: CREATIV'21 counts the hours and reports them itself (003 action 10).
  const first = (await d.expectTasks(['annual-review', 'insertion-hours'])).openTasks.find((x) => x.kind === 'insertion-hours')!;
  expect(first.assigneeEmail).toBe('clauses@creativ21.test');
  await d.answer('annual-review', answers.review);
  await d.answer('insertion-hours', answers.hours(1500), 'lea.roux@creativ21.test');
  expect(await t.db.task.findUnique({ where: { id: first.id } })).toMatchObject({ status: 'answered', answeredBy: 'lea.roux@creativ21.test', assigneeEmail: 'clauses@creativ21.test' });
  // Year 2: nothing reported by the due date: the same task goes to the buyer, not a second one.
  const second = (await d.expectTasks(['annual-review', 'insertion-hours'])).openTasks.find((x) => x.kind === 'insertion-hours')!;
  await d.answer('annual-review', answers.review);
  await d.skip(Date.parse(second.dueAt) - (await t.env.currentTimeMs()) + 60_000);
  const reassigned = (await d.expectTasks(['insertion-hours'])).openTasks[0]!;
  expect(reassigned).toMatchObject({ id: second.id, assigneeEmail: 'alix.petit@dijon.test', reminders: 0 });
  expect(await t.db.task.findUnique({ where: { id: second.id } })).toMatchObject({ assigneeEmail: 'alix.petit@dijon.test', status: 'open' });
  expect(await t.db.auditEntry.count({ where: { contractId: contract.id, action: 'task.reassigned' } })).toBe(1);
  await d.answer('insertion-hours', answers.hours(1600), 'alix.petit@dijon.test');
  expect(await d.expectClosed()).toBe('COMPLETED');
  const reported = await t.db.indicatorEvent.findMany({ where: { contractId: contract.id, indicator: 'insertion-hours' }, orderBy: { year: 'asc' } });
  // Each year's hours count in the calendar year of the review that reported them: award + 1 year, + 2 years.
  const startYear = new Date(awardedAt).getUTCFullYear();
  expect(reported.map((e) => [e.year, Number(e.value)])).toEqual([[startYear + 1, 1500], [startYear + 2, 1600]]);
  // One mail per question (the yearly reviews included) and the partner's invitation, each received once.
  // (and the year-2 hours question once more, to the buyer, when it was reassigned).
  expect(await expectMailsDelivered(t.db, contract.id)).toMatchObject({ 'task-opened': 20, 'partner-kickoff': 1 });
  // With no manager named, Dijon's public procurement service receives escalations.
  expect((await d.status()).history.at(-1)?.action).toBe('contract.closed');
  await saveHistory('dijon-works-insertion', d);
}, 180_000); // 34 to over 60 s on 2 cores under CI load (2026-11-30): the time-skipping server waits on real activities

it('asks Dijon which lots of a contract with lots are reserved, and to whom (001:390, 001:557)', async () => {
  const now = await t.env.currentTimeMs();
  // Dijon's first reserved contract: work clothing and PPE, 2 M€, 2 lots out of 9 reserved.
  const contract = contractFacts(now, 36, {
    collectivityId: 'dijon', object: 'Vêtements de travail et EPI', nature: 'supplies', cpv: '18100000', estimatedAmountHT: 2_000_000,
    lots: 9, durationMonths: 48, recurring: false, buyer: { name: 'Alix Petit', email: 'alix.petit@dijon.test' }, manager: undefined,
  });
  const d = await t.start(contract);
  await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(true));
  // No ceiling in 001: 2 M€ is no reason not to reserve; the lots are asked instead of the whole contract.
  const consultation = await d.expectTasks([
    'insertion-clause', 'reserved-lots', 'allotment', 'environmental-considerations', 'equality-clauses', 'sme-advance',
    'mandatory-advance', 'price-revision', 'packaging-clauses', 'transport-clauses',
  ]);
  expect(consultation.openTasks.find((x) => x.kind === 'reserved-lots')?.why).toContain('Marché de 9 lots');
  await expect(d.answer('reserved-lots', { lots: 9, reservedLots: [{ lot: 10, reservedTo: 'EA-ESAT' }] }))
    .rejects.toThrow(/reservedLots\.0\.lot : lot 10 : le marché compte 9 lots/);
  await d.answer('reserved-lots', answers.reservedLots);
  expect((await d.status()).decisions['reserved-lots']).toEqual(answers.reservedLots);
  await d.event({ type: 'unsuccessful', eventId: 'evt-unsuccessful-lots', reason: 'Aucune offre reçue' });
  expect(await d.expectClosed()).toBe('COMPLETED');
});

it('ends an unsuccessful procedure (infructueux) declared during consultation', async () => {
  const now = await t.env.currentTimeMs();
  const contract = contractFacts(now, 24, { recurring: false });
  const d = await t.start(contract);
  await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(false));
  await d.expectTasks([
    'insertion-clause', 'allotment', 'environmental-considerations', 'eco-labels', 'anti-discrimination-clause', 'sme-advance',
    'mandatory-advance', 'price-revision', 'impact-data-clauses',
  ]);
  await d.event({ type: 'unsuccessful', eventId: 'evt-unsuccessful-1', reason: 'Aucune offre reçue' });
  expect(await d.expectClosed()).toBe('COMPLETED');
  expect(await d.status()).toMatchObject({ status: 'unsuccessful', openTasks: [] });
  const cancelled = await t.db.task.count({ where: { contractId: contract.id, status: 'cancelled' } });
  expect(cancelled).toBe(9);
  const unsuccessful = await t.db.indicatorEvent.count({ where: { contractId: contract.id, indicator: 'unsuccessful-procedures' } });
  expect(unsuccessful).toBe(1);
  await saveHistory('clermont-unsuccessful', d);
});
