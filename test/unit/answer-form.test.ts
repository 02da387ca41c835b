import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../domain/answers';
import { CHECK_KINDS } from '../../domain/policy';
import { answerFromForm, formFields } from '../../web/forms/answer-form';
import { FIELD_LABELS } from '../../web/forms/labels';

describe('answer forms', () => {
  it('have a French label for every field of every check', () => {
    const unlabeled = new Set<string>();
    const visit = (fields: ReturnType<typeof formFields>) => {
      for (const f of fields) {
        const leaf = f.name.slice(f.name.lastIndexOf('.') + 1);
        if (!FIELD_LABELS[leaf]) unlabeled.add(f.name);
        if (f.type === 'group') visit(f.fields);
        if (f.type === 'variants') f.variants.forEach((v) => visit(v.fields));
      }
    };
    for (const kind of CHECK_KINDS) visit(formFields(kind));
    expect([...unlabeled]).toEqual([]);
  });

  it('turn a submitted award form into the answer the schema accepts', () => {
    const fields = formFields('award-record');
    const answer = answerFromForm(fields, {
      outcome: 'awarded', awardedAmountHT: '380 000', notifiedOn: '2027-03-01', startDate: '2027-04-01', endDate: '2031-03-31',
      'supplier.siret': '12345678900012', 'supplier.name': 'Nettoyage Auvergne', 'supplier.size': 'PME', 'supplier.socialStatus': 'none',
      'supplier.departement': '63', 'supplier.region': '', bids: '4', coContracting: 'non', circularEconomy: 'oui',
      social: ['Clause sociale', 'Critère social'], environmental: 'Clause environnementale',
      'labelsHeld.0.name': 'Écolabel européen', 'labelsHeld.0.validUntil': '2028-12-31', 'labelsHeld.1.name': '', reason: 'ignored: other variant',
    });
    expect(answer).toEqual({
      outcome: 'awarded', awardedAmountHT: 380000, notifiedOn: '2027-03-01', startDate: '2027-04-01', endDate: '2031-03-31',
      supplier: { siret: '12345678900012', name: 'Nettoyage Auvergne', size: 'PME', socialStatus: 'none', departement: '63' },
      bids: 4, coContracting: false, circularEconomy: true, social: ['Clause sociale', 'Critère social'], environmental: ['Clause environnementale'],
      labelsHeld: [{ name: 'Écolabel européen', validUntil: '2028-12-31' }],
    });
    expect(parseAnswer('award-record', answer).ok).toBe(true);
  });

  it('leave empty fields out, so validation names them', () => {
    const answer = answerFromForm(formFields('insertion-clause'), { feasible: 'non', hours: '', justification: '  ' });
    expect(answer).toEqual({ feasible: false });
    const parsed = parseAnswer('insertion-clause', answer);
    expect(parsed.ok ? '' : parsed.error).toContain('justification');
    expect(answerFromForm(formFields('eco-labels'), { labelsRequired: 'NF Environnement\n\n Écolabel européen ' })).toEqual({ labelsRequired: ['NF Environnement', 'Écolabel européen'] });
  });
});

describe('answers checked against the contract before they are sent (issue 15)', () => {
  it('name the field that breaks a rule of the contract’s pinned policy', async () => {
    const { answerErrors } = await import('../../web/answering');
    const { POLICIES_DIR, readPolicy } = await import('../../activities/policy');
    const policy = await readPolicy(POLICIES_DIR, 'clermont');
    const ctx = { contract: { estimatedAmountHT: 300_000, durationMonths: 36, procedure: 'appel-offres' as const }, policy };
    expect(answerErrors('sme-advance', { smeAdvancePercent: 5, guaranteeRequired: false }, ctx)).toEqual({ smeAdvancePercent: expect.stringMatching(/^au moins 10 %/) });
    expect(answerErrors('sme-advance', { smeAdvancePercent: 10, guaranteeRequired: false }, ctx)).toBeUndefined();
    expect(answerErrors('fair-trade', { fairTradeRequired: true, labelsRequired: ['Label maison'] }, ctx)).toEqual({ labelsRequired: expect.stringContaining('Label maison') });
  });
});
