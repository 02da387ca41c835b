import { beforeAll, describe, expect, it } from 'vitest';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import type { Answers } from '../../domain/answers';
import type { ContractFacts } from '../../domain/contract';
import type { Policy } from '../../domain/policy';
import * as rules from '../../domain/rules';
import { answers, contractFacts } from '../support/contracts';

let dijon: Policy;
let clermont: Policy;
beforeAll(async () => {
  [dijon, clermont] = await Promise.all([readPolicy(POLICIES_DIR, 'dijon'), readPolicy(POLICIES_DIR, 'clermont')]);
});

const NOW = Date.UTC(2027, 0, 4);
const contract = (o: Partial<ContractFacts>) => contractFacts(NOW, 24, o);
const told = (policy: Policy, facts: ContractFacts, phase: Parameters<typeof rules.phaseNotices>[1], decisions: rules.Decisions = {}) => {
  const ctx = { contract: facts, policy, decisions };
  const checks = phase === 'consultation' ? rules.consultationChecks(ctx) : phase === 'programming' ? rules.programmingChecks(ctx) : rules.sourcingChecks(ctx);
  return rules.phaseNotices(ctx, phase, checks);
};

describe('partners and experts at their phases (defect 9)', () => {
  it('brings the PLIE in while the contract is written, about the insertion clause (003:624)', () => {
    const notices = told(clermont, contract({ estimatedAmountHT: 200_000 }), 'consultation');
    expect(notices.map((n) => n.partnerId)).toEqual(['plie', 'mission-ess', '3de', 'mission-egalite']);
    expect(notices[0]!.topics.map((t) => t.kind)).toEqual(['insertion-clause']);
    expect(notices[0]!.email).toBe('plie@clermontmetropole.test');
  });

  it('tells each partner or expert what its role acts on', () => {
    const byId = Object.fromEntries(told(clermont, contract({ estimatedAmountHT: 200_000 }), 'consultation').map((n) => [n.partnerId, n.topics.map((t) => t.kind)]));
    expect(byId['mission-ess']).toEqual(['allotment']); // micro-allotment opens the contract to the ESS (003 action 14)
    expect(byId['3de']).toEqual(expect.arrayContaining(['environmental-considerations', 'eco-labels']));
    // Both internal experts have the role 'institution': each hears of the environmental and the equality questions.
    expect(byId['mission-egalite']).toEqual(expect.arrayContaining(['anti-discrimination-clause']));
    expect(byId['plie']).not.toContain('environmental-considerations');
    // Dijon: only CREATIV'21 is listed at consultation; the business partners at sourcing.
    expect(told(dijon, contract({ collectivityId: 'dijon' }), 'consultation').map((n) => n.partnerId)).toEqual(['creativ21']);
    expect(told(dijon, contract({ collectivityId: 'dijon' }), 'sourcing').map((n) => n.partnerId)).toContain('cpme21');
  });

  it('asks the public-procurement service to follow Clermont’s 10-40 k€ HT contracts (003 action 11), not Dijon’s', () => {
    const service = (p: Policy, amount: number) => told(p, contract({ estimatedAmountHT: amount }), 'consultation').filter((n) => !n.partnerId);
    expect(service(clermont, 30_000)).toHaveLength(1);
    expect(service(clermont, 30_000)[0]!.email).toBe(clermont.contacts.publicProcurementService);
    expect(service(clermont, 9_999)).toHaveLength(0);
    expect(service(clermont, 40_001)).toHaveLength(0);
    expect(service(dijon, 30_000)).toHaveLength(0);
  });
});

describe('label re-checks (defect 7) and the programming deadline (defect 10)', () => {
  const awarded = (validUntil: string[]) => ({
    'award-record': answers.award(NOW, 6, { labelsHeld: validUntil.map((v, i) => ({ name: `Label ${i}`, validUntil: v })) }) as Answers['award-record'],
  });

  it('re-checks each label labelRecheckDaysBefore it expires, earliest first, only while the contract runs and once per date', () => {
    const ctx = { contract: contract({}), policy: clermont, decisions: awarded(['2027-09-30', '2027-05-31', '2029-01-01']) };
    expect(rules.labelRechecks(ctx, '2027-12-31').map((l) => [l.name, l.recheckOn])).toEqual([['Label 1', '2027-03-02'], ['Label 0', '2027-07-02']]);
    expect(rules.labelRechecks(ctx, '2027-12-31', [rules.labelKey({ name: 'Label 1', validUntil: '2027-05-31' })]).map((l) => l.name)).toEqual(['Label 0']);
  });

  it('makes the programming questions due at J-14 where the policy says so (Clermont, 003 action 2), not in Dijon', () => {
    const facts = contract({ plannedAwardDate: '2029-03-31' });
    expect(rules.programmingDueDate({ contract: facts, policy: clermont, decisions: {} })).toBe('2028-01-31');
    expect(rules.programmingDueDate({ contract: facts, policy: dijon, decisions: {} })).toBeUndefined();
  });
});
