import { beforeAll, describe, expect, it } from 'vitest';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import type { ContractFacts } from '../../domain/contract';
import type { Policy } from '../../domain/policy';
import { answerIssues } from '../../domain/answers';
import * as rules from '../../domain/rules';
import { contractFacts } from '../support/contracts';

let dijon: Policy;
let clermont: Policy;
beforeAll(async () => {
  [dijon, clermont] = await Promise.all([readPolicy(POLICIES_DIR, 'dijon'), readPolicy(POLICIES_DIR, 'clermont')]);
});

const kinds = (policy: Policy, contract: ContractFacts, decisions: rules.Decisions = {}) =>
  rules.consultationChecks({ contract, policy, decisions }).map((c) => c.kind).sort();
const contract = (o: Partial<ContractFacts>) => contractFacts(Date.UTC(2026, 0, 1), 24, o);

describe('consultation checks', () => {
  it('asks for an insertion clause above 90 k€ HT and a reservation study up to 90 k€ HT (003 actions 8, 11)', () => {
    expect(kinds(clermont, contract({ estimatedAmountHT: 90_001 }))).toContain('insertion-clause');
    expect(kinds(clermont, contract({ estimatedAmountHT: 90_001 }))).not.toContain('reservation');
    expect(kinds(clermont, contract({ estimatedAmountHT: 90_000 }))).toContain('reservation');
    expect(kinds(clermont, contract({ estimatedAmountHT: 90_000 }))).not.toContain('insertion-clause');
  });

  it('skips the reservation study when sourcing found no inclusive offer', () => {
    const c = contract({ estimatedAmountHT: 40_000 });
    expect(kinds(clermont, c, { sourcing: { sessionHeld: true, inclusiveOffersFound: false } })).not.toContain('reservation');
  });

  it('asks for the gender-equality clause from 10 k€ HT only', () => {
    expect(kinds(dijon, contract({ estimatedAmountHT: 9_999 }))).not.toContain('equality-clauses');
    expect(kinds(dijon, contract({ estimatedAmountHT: 10_000 }))).toContain('equality-clauses');
  });

  it('lists the financial terms that apply to the amount, the duration and the procedure (003 actions 17, 19, 20)', () => {
    const small = rules.financialTerms(contract({ estimatedAmountHT: 40_000, durationMonths: 12, procedure: 'mapa' }), clermont);
    expect(small.join(' ')).toMatch(/Avance de 30 %.*MAPA/);
    expect(small.join(' ')).not.toMatch(/révision/);
    const large = rules.financialTerms(contract({ estimatedAmountHT: 300_000, durationMonths: 36, procedure: 'appel-offres' }), clermont);
    expect(large.join(' ')).toMatch(/Avance obligatoire.*révision des prix/);
    expect(large.join(' ')).not.toMatch(/Avance de 30 %/);
  });

  it('differs between Dijon and Clermont where their texts differ', () => {
    const promo = contract({ cpv: '39294100', estimatedAmountHT: 150_000 });
    expect(kinds(clermont, promo)).toContain('fair-trade');
    expect(kinds(dijon, promo)).not.toContain('fair-trade');
    const recurring = { contract: contract({ recurring: true }), decisions: {} };
    expect(rules.cadChecks({ ...recurring, policy: clermont })).toHaveLength(1);
    expect(rules.cadChecks({ ...recurring, policy: dijon })).toHaveLength(0);
    const works = contract({ nature: 'works', cpv: '45210000', estimatedAmountHT: 6_000_000 });
    const why = (p: Policy) => rules.consultationChecks({ contract: works, policy: p, decisions: {} }).find((c) => c.kind === 'works-clauses')?.why;
    expect(why(clermont)).toContain('compensation carbone');
    expect(why(dijon)).not.toContain('compensation carbone');
  });

  it('cites the policy source of every check', () => {
    for (const c of rules.consultationChecks({ contract: contract({ nature: 'works', cpv: '45210000' }), policy: clermont, decisions: {} })) {
      expect(c.source).toMatch(/\d{3}|action/);
    }
  });
});

describe('purchase families and procedures', () => {
  it('takes the longest matching CPV prefix', () => {
    expect(rules.familyOf('55523100', clermont)).toBe('school-catering');
    expect(rules.familyOf('39830000', clermont)).toBe('cleaning');
    expect(rules.familyOf('72000000', clermont)).toBe('other');
  });

  it('treats MAPA and contracts without publicity as non-formal', () => {
    expect(rules.isFormal(contract({ procedure: 'mapa' }))).toBe(false);
    expect(rules.isFormal(contract({ procedure: 'appel-offres' }))).toBe(true);
  });
});

describe('execution checks', () => {
  const awarded = (validUntil: string) => ({
    'award-record': { outcome: 'awarded' as const, labelsHeld: [{ name: 'FSC', validUntil }] } as never,
    'insertion-clause': { feasible: true, hours: 500 },
  });
  it('asks for insertion hours when a clause was retained, and re-checks labels expiring before the next review', () => {
    const ctx = { contract: contract({}), policy: clermont, decisions: awarded('2027-06-30') };
    expect(rules.executionChecks(ctx, 1, '2027-07-01').map((c) => c.kind)).toEqual(['annual-review', 'insertion-hours', 'label-validity']);
    expect(rules.executionChecks(ctx, 1, '2027-06-01').map((c) => c.kind)).toEqual(['annual-review', 'insertion-hours']);
  });
});

/** The same policy as a version pinned before a setting existed: the rules must behave as they did then. */
const without = (policy: Policy, change: (p: Policy) => void): Policy => {
  const copy = structuredClone(policy);
  change(copy);
  return copy;
};
const check = (policy: Policy, c: ContractFacts, kind: string) =>
  rules.consultationChecks({ contract: c, policy, decisions: {} }).find((x) => x.kind === kind);

describe('fair trade (003 action 13)', () => {
  const schoolFood = contract({ nature: 'supplies', cpv: '15800000', estimatedAmountHT: 150_000, object: 'Denrées de la restauration scolaire' });

  it('asks Clermont about school-food supplies, and requires a recognised label valid 3 years', () => {
    const fairTrade = check(clermont, schoolFood, 'fair-trade');
    expect(fairTrade?.why).toContain('Fair for Life');
    expect(fairTrade?.why).toContain(`validité de ${clermont.labelValidityYears} ans`);
    expect(check(dijon, schoolFood, 'fair-trade')).toBeUndefined(); // 001 has no fair-trade action
  });

  it('keeps the old prompt for a policy pinned before recognised labels were listed', () => {
    const old = without(clermont, (p) => { delete p.fairTradeLabels; });
    expect(check(old, contract({ cpv: '39294100' }), 'fair-trade')?.why).toBe('Famille « promotional-items » : exiger des produits issus du commerce équitable.');
  });
});

describe('financial terms, one decision each (003 actions 17, 19, 20)', () => {
  const kindsOf = (p: Policy, c: ContractFacts) => rules.consultationChecks({ contract: c, policy: p, decisions: {} }).map((x) => x.kind);

  it('asks the SME advance rate, the mandatory advance, price revision and MAPA negotiation only where they apply', () => {
    const small = kindsOf(clermont, contract({ estimatedAmountHT: 40_000, durationMonths: 12, procedure: 'mapa' }));
    expect(small).toEqual(expect.arrayContaining(['sme-advance', 'negotiation']));
    expect(small).not.toContain('mandatory-advance');
    expect(small).not.toContain('price-revision');
    expect(small).not.toContain('financial-terms');
    const large = kindsOf(clermont, contract({ estimatedAmountHT: 300_000, durationMonths: 36, procedure: 'appel-offres' }));
    expect(large).toEqual(expect.arrayContaining(['sme-advance', 'mandatory-advance', 'price-revision']));
    expect(large).not.toContain('negotiation');
  });

  it('takes its figures from the policy, including the 10 % minimum for SMEs when the advance is mandatory', () => {
    const c = contract({ estimatedAmountHT: 100_000, durationMonths: 6 });
    expect(check(clermont, c, 'sme-advance')?.why).toMatch(/30 %.*50 salariés.*10 %/);
    const other = without(clermont, (p) => { p.thresholds.mandatoryAdvanceAbove = 120_000; });
    expect(check(other, c, 'mandatory-advance')).toBeUndefined();
    expect(check(clermont, c, 'mandatory-advance')?.why).toMatch(/> 50\s000 € HT et durée de 6 mois > 2 mois/);
  });

  it('keeps the single financial-terms question for a policy pinned before the split', () => {
    const old = without(clermont, (p) => {
      for (const k of ['sme-advance', 'mandatory-advance', 'price-revision', 'negotiation'] as const) delete p.checks[k];
      p.checks['financial-terms'] = { source: '003 actions 17, 19, 20' };
    });
    expect(kindsOf(old, contract({ procedure: 'mapa' }))).toContain('financial-terms');
    expect(kindsOf(old, contract({ procedure: 'mapa' }))).not.toContain('negotiation');
  });
});

describe('equality questions, as each text asks them', () => {
  it('asks Clermont the anti-discrimination tie-break on every contract, and no gender-equality clause (concessions only, 003 action 12)', () => {
    for (const amount of [1_000, 9_999, 500_000]) {
      const ks = kinds(clermont, contract({ estimatedAmountHT: amount }));
      expect(ks).toContain('anti-discrimination-clause');
      expect(ks).not.toContain('equality-clauses');
    }
    expect(clermont.thresholds.genderEqualityFrom).toBeUndefined();
  });

  it('asks Dijon both clauses from 10 000 € (001 axe 2 ambition 2), never the Clermont tie-break alone', () => {
    expect(kinds(dijon, contract({ estimatedAmountHT: 9_999 }))).not.toContain('anti-discrimination-clause');
    expect(check(dijon, contract({ estimatedAmountHT: 10_000 }), 'equality-clauses')?.why).toMatch(/≥ 10\s000 € HT/);
  });
});

describe('Dijon reservation and reserved lots (001:390, 001:407, 001:557)', () => {
  const found = { sourcing: { sessionHeld: true, inclusiveOffersFound: true } };
  const clothing = contract({ collectivityId: 'dijon', cpv: '18100000', estimatedAmountHT: 2_000_000, durationMonths: 48, lots: 9 });
  const single = contract({ collectivityId: 'dijon', cpv: '18100000', estimatedAmountHT: 2_000_000, durationMonths: 48, lots: 0 });
  const pinned2024 = (p: Policy) => without(p, (x) => {
    x.thresholds.reservationUpTo = 90_000;
    for (const k of ['reserved-lots', 'impact-data-clauses', 'packaging-clauses', 'transport-clauses'] as const) delete x.checks[k];
  });

  it('studies Dijon’s reservation whatever the amount: 001 gives no ceiling, Clermont’s 90 k€ is not borrowed', () => {
    expect(dijon.thresholds.reservationUpTo).toBeUndefined();
    const why = rules.consultationChecks({ contract: single, policy: dijon, decisions: found }).find((c) => c.kind === 'reservation')?.why;
    expect(why).toMatch(/Sans plafond/);
    expect(why).not.toMatch(/90\s000/);
    expect(kinds(dijon, single, { sourcing: { sessionHeld: true, inclusiveOffersFound: false } })).not.toContain('reservation');
  });

  it('asks a Dijon contract with lots which lots are reserved, instead of the whole-contract question', () => {
    const specs = rules.consultationChecks({ contract: clothing, policy: dijon, decisions: found });
    expect(specs.map((c) => c.kind)).toContain('reserved-lots');
    expect(specs.map((c) => c.kind)).not.toContain('reservation');
    expect(specs.find((c) => c.kind === 'reserved-lots')?.why).toMatch(/Marché de 9 lots.*SIAE, EA\/ESAT.*ESS/);
    expect(kinds(dijon, contract({ collectivityId: 'dijon', lots: 1 }))).not.toContain('reserved-lots');
    // Clermont's text reserves contracts up to 90 k€ (003 action 11) and says nothing of lots.
    expect(kinds(clermont, contract({ estimatedAmountHT: 60_000, lots: 4 }))).toEqual(expect.arrayContaining(['reservation']));
    expect(kinds(clermont, contract({ estimatedAmountHT: 60_000, lots: 4 }))).not.toContain('reserved-lots');
  });

  it('keeps the 2024.1 questions for a contract that pinned it', () => {
    const old = pinned2024(dijon);
    expect(kinds(old, clothing, found)).not.toContain('reservation');
    expect(kinds(old, clothing, found)).not.toContain('reserved-lots');
    expect(check(old, contract({ collectivityId: 'dijon', estimatedAmountHT: 60_000, lots: 9 }), 'reservation')?.why).toMatch(/^Montant estimé 60\s000 € HT ≤ 90\s000 € HT\.$/);
  });
});

describe('impact clauses, as each text asks them (003 action 25; 001:630, 001:660, 001:781)', () => {
  const services = contract({ nature: 'services', cpv: '90910000', estimatedAmountHT: 30_000 });
  const supplies = contract({ nature: 'supplies', cpv: '30192000', estimatedAmountHT: 30_000 });
  const works = contract({ nature: 'works', cpv: '45210000', estimatedAmountHT: 1_200_000 });

  it('asks Clermont’s quantitative impact-data clause on every contract, not only works', () => {
    for (const c of [services, supplies, works]) expect(kinds(clermont, c)).toContain('impact-data-clauses');
    expect(check(clermont, services, 'impact-data-clauses')?.why).toMatch(/livraisons.*GES.*eau.*énergie.*matière/);
    for (const c of [services, supplies, works]) {
      expect(kinds(clermont, c)).not.toContain('packaging-clauses');
      expect(kinds(clermont, c)).not.toContain('transport-clauses');
    }
  });

  it('asks Dijon about over-packaging where goods are delivered, and about deliveries and transport on every contract', () => {
    expect(kinds(dijon, supplies)).toEqual(expect.arrayContaining(['packaging-clauses', 'transport-clauses']));
    expect(kinds(dijon, services)).toEqual(expect.arrayContaining(['packaging-clauses', 'transport-clauses']));
    expect(kinds(dijon, works)).toContain('transport-clauses');
    expect(kinds(dijon, works)).not.toContain('packaging-clauses');
    expect(kinds(dijon, supplies)).not.toContain('impact-data-clauses');
    expect(check(dijon, supplies, 'packaging-clauses')?.why).toMatch(/suremballages/);
  });

  it('asks Clermont about greenhouse gases on works once, in the impact-data clause; Dijon in the works clauses', () => {
    expect(check(clermont, works, 'works-clauses')?.why).not.toMatch(/reporting GES/);
    expect(check(clermont, works, 'works-clauses')?.why).toMatch(/relèvent de la clause de suivi des impacts/);
    expect(check(dijon, works, 'works-clauses')?.why).toMatch(/reporting GES/);
    const noGhg = { wasteClause: true, carbonOffset: false };
    expect(answerIssues('works-clauses', noGhg, { contract: works, policy: clermont }).ok).toBe(true);
    expect(answerIssues('works-clauses', noGhg, { contract: works, policy: dijon })).toEqual({ ok: false, issues: [{ path: 'ghgReporting', message: 'indiquez si le suivi des émissions de gaz à effet de serre est prévu' }] });
  });

  it('asks none of them under a policy pinned before they existed', () => {
    for (const p of [dijon, clermont]) {
      const old = without(p, (x) => { for (const k of ['impact-data-clauses', 'packaging-clauses', 'transport-clauses'] as const) delete x.checks[k]; });
      for (const c of [services, supplies, works]) {
        expect(kinds(old, c).filter((k) => ['impact-data-clauses', 'packaging-clauses', 'transport-clauses'].includes(k))).toEqual([]);
      }
    }
  });
});
