import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectMailsDelivered } from '../support/mails';
import { addMonths, isoDay } from '../../domain/dates';
import { contractWorkflowId } from '../../domain/contract';
import { statusQuery } from '../../workflows/contract-lifecycle';
import { answers, contractFacts } from '../support/contracts';
import { saveHistory } from '../support/histories';
import { LifecycleDriver } from '../support/lifecycle-driver';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

it('runs a 4-year supplies contract above 90 k€ from programming to renewal, with every expected prompt', { timeout: 120_000 }, async () => {
  const start = await t.env.currentTimeMs();
  const contract = contractFacts(start, 24); // Clermont, recurring cleaning supplies, 400 k€ HT, appel d'offres
  const d = await t.start(contract);

  await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(false));

  // Clermont's CAD rates recurring contracts at J-12: the workflow sleeps until then.
  await d.expectTasks(['cad-review']);
  expect((await t.env.currentTimeMs()) - start).toBeGreaterThan(330 * 86_400_000);
  await d.answer('cad-review', answers.cad);

  // > 90 k€: insertion clause, no reservation; cleaning: eco-labels; the anti-discrimination tie-break on every
  // contract; > 50 k€ and > 2 months: the advance is mandatory (10 % at least for SMEs); 4 years: price revision;
  // impact-data clauses on every contract (003 action 25).
  const consultation = await d.expectTasks([
    'insertion-clause', 'allotment', 'environmental-considerations', 'eco-labels', 'anti-discrimination-clause',
    'sme-advance', 'mandatory-advance', 'price-revision', 'impact-data-clauses',
  ]);
  expect(consultation.openTasks.find((x) => x.kind === 'price-revision')?.why).toContain('révision des prix');
  expect(consultation.openTasks.find((x) => x.kind === 'insertion-clause')?.why).toContain('PLIE');
  // Checked inside the workflow against this contract's figures, whoever sends the answer.
  await expect(d.answer('mandatory-advance', { advancePercent: 0 })).rejects.toThrow(/advancePercent : l’avance est obligatoire/);
  await expect(d.answer('sme-advance', { smeAdvancePercent: 5, guaranteeRequired: false, justification: 'Trésorerie suffisante' }))
    .rejects.toThrow(/smeAdvancePercent : au moins 10 %/);
  await d.answerAll({
    'insertion-clause': answers.insertion(1200), allotment: answers.allotment, 'environmental-considerations': answers.environmental,
    'eco-labels': answers.ecoLabels, 'anti-discrimination-clause': answers.antiDiscrimination, 'sme-advance': answers.smeAdvance,
    'mandatory-advance': answers.mandatoryAdvance, 'price-revision': answers.priceRevision, 'impact-data-clauses': answers.impactData,
  });

  await d.expectTasks(['award-record']);
  const awardedAt = await t.env.currentTimeMs();
  const labelUntil = addMonths(isoDay(awardedAt), 30);
  await d.answer('award-record', answers.award(awardedAt, 48, { labelsHeld: [{ name: 'Écolabel européen', validUntil: labelUntil }] }));

  await d.expectTasks(['kickoff-meeting']);
  await d.answer('kickoff-meeting', answers.kickoff(awardedAt));

  for (const year of [1, 2, 3, 4]) {
    if (year === 3) {
      // Expires at 30 months: re-checked labelRecheckDaysBefore (90) days before, between two yearly reviews.
      const recheck = await d.expectTasks(['label-validity']);
      const openedAt = Date.parse(recheck.openTasks[0]!.dueAt) - 14 * 86_400_000;
      expect(Math.abs(openedAt - (Date.parse(`${labelUntil}T00:00:00Z`) - 90 * 86_400_000))).toBeLessThan(2 * 86_400_000);
      await d.answer('label-validity', { stillValid: false, newValidUntil: addMonths(labelUntil, 36) });
    }
    await d.expectTasks(['annual-review', 'insertion-hours']);
    await d.answerAll({ 'annual-review': answers.review, 'insertion-hours': answers.hours(300 + year) });
  }

  // Not `result()`: awaiting it lets the server skip time for every workflow, the next cycle's included.
  const result = await d.expectPhase('closure');
  expect(result).toMatchObject({ phase: 'closure', status: 'closed', yearsReviewed: 4 });
  expect(await d.expectClosed()).toBe('COMPLETED');
  const mails = await expectMailsDelivered(t.db, contract.id);
  expect(mails['task-opened']).toBe(await t.db.task.count({ where: { contractId: contract.id } }));

  // The next cycle started at J-24 months before expiry with its programming questions (nobody answered them
  // since, so it now waits, escalated, for its award to be recorded).
  const next = t.env.client.workflow.getHandle(contractWorkflowId(`${contract.id}-R2`));
  const nextStatus = await next.query(statusQuery);
  expect(nextStatus).toMatchObject({ cycle: 2, phase: 'award' });
  const firstQuestion = nextStatus.history.find((h) => h.action === 'task.opened');
  expect(firstQuestion?.summary).toContain('programmation');
  const renewalDue = Date.parse(`${addMonths(isoDay(awardedAt), 24)}T00:00:00Z`);
  expect(Math.abs(Date.parse(firstQuestion!.at) - renewalDue)).toBeLessThan(2 * 86_400_000);

  // Records: the partner was invited; hours and award figures are indicator events.
  const kickoffMail = await t.db.notification.findFirst({ where: { contractId: contract.id, kind: 'partner-kickoff' } });
  expect(kickoffMail?.to).toEqual(['plie@clermontmetropole.test']);
  expect(kickoffMail?.data).toMatchObject({ hours: 1200, contractor: 'Nettoyage Auvergne SARL' });
  const hours = await t.db.indicatorEvent.findMany({ where: { contractId: contract.id, indicator: 'insertion-hours' }, orderBy: { year: 'asc' } });
  expect(hours.map((h) => Number(h.value))).toEqual([301, 302, 303, 304]);
  const row = await t.db.contract.findUnique({ where: { id: contract.id } });
  expect(row).toMatchObject({ status: 'closed', phase: 'closure', supplierSiret: '12345678900012' });
  expect(row?.socialConsiderations).toEqual(['Clause sociale']);
  const awardFigures = await t.db.indicatorEvent.findMany({ where: { contractId: contract.id, indicator: { in: ['env-criterion', 'formal-insertion-clause'] } } });
  expect(awardFigures.map((e) => [e.indicator, Number(e.value), e.inDenominator]).sort()).toEqual([['env-criterion', 1, true], ['formal-insertion-clause', 1, true]]);
  await new LifecycleDriver(t.env, next).stop();

  await saveHistory('clermont-4-year-supplies', d);
});
