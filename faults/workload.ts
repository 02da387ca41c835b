/**
 * What the fault suite sends and what it must find afterwards. Contracts are registered through Kafka; some are
 * terminated at once, some receive their award, reviews and hours as events before the questions exist, in
 * reverse year order (out of order); every event is sent twice (duplicates); poison messages go in between.
 */
import { randomUUID } from 'node:crypto';
import type { Answers } from '../domain/answers';
import { isoDay } from '../domain/dates';
import { awardIndicators, insertionHoursIndicators, insertionHoursYear, sourcingIndicators, unsuccessfulIndicators, type IndicatorEvent } from '../domain/indicators';
import type { CheckKind, Policy } from '../domain/policy';
import * as rules from '../domain/rules';
import { scriptedContracts, type ScriptedContract } from '../load/scripted-contracts';

export type Role = 'answered' | 'early-events' | 'terminated';

export interface FaultContract extends ScriptedContract {
  role: Role;
  /** Final status in the database. */
  status: 'closed' | 'unsuccessful' | 'terminated';
}

export interface KafkaMessage {
  key: string;
  value: string;
}

export function faultContracts(count: number, prefix: string): FaultContract[] {
  return scriptedContracts(count, { prefix, seed: 11 }).map((c, i) => {
    const role: Role = i % 10 === 3 ? 'terminated' : i % 3 === 1 && c.expected === 'closed' ? 'early-events' : 'answered';
    return { ...c, role, status: role === 'terminated' ? 'terminated' : c.expected };
  });
}

/** The contract's events, in the order they are produced: each one twice. */
export function contractMessages(c: FaultContract): KafkaMessage[] {
  const event = (type: string, payload: unknown): KafkaMessage => {
    const e = { eventId: randomUUID(), type, version: 1, time: new Date().toISOString(), source: 'fault-suite', collectivity: c.facts.collectivityId, contractId: c.facts.id, payload };
    return { key: c.facts.id, value: JSON.stringify(e) };
  };
  const { id: _id, collectivityId: _c, ...registration } = c.facts;
  const events = [event('contract.registered', registration)];
  if (c.role === 'terminated') events.push(event('contract.terminated', { reason: 'Résiliation injectée par la suite de pannes' }));
  if (c.role === 'early-events') {
    const { outcome: _o, ...award } = c.answers['award-record'] as Extract<Answers['award-record'], { outcome: 'awarded' }>;
    events.push(event('contract.awarded', award));
    for (const year of [2, 1]) {
      events.push(event('supplier-review.submitted', { year, ...c.answers['annual-review'] }));
      events.push(event('insertion-hours.reported', { year, ...c.answers['insertion-hours'] }));
    }
  }
  return events.flatMap((e) => [e, e]);
}

/** Messages the consumer must refuse, each unique so the dead-letter topic can be matched against them. */
export function poisonMessages(count: number, prefix: string): KafkaMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-poison-${i}`;
    const envelope = { eventId: `${id}-event`, version: 1, time: new Date().toISOString(), source: 'fault-suite', collectivity: 'clermont', contractId: id };
    switch (i % 5) {
      case 0: return { key: id, value: `{ pas du JSON ${id}` };
      case 1: return { key: id, value: JSON.stringify({ ...envelope, type: 'contract.teleported', payload: {} }) };
      case 2: return { key: id, value: JSON.stringify({ ...envelope, type: 'supplier-review.submitted', payload: { year: 1, score: 9, progressPlan: 'x' } }) };
      case 3: return { key: `${id}-other-key`, value: JSON.stringify({ ...envelope, type: 'contract.resumed', payload: {} }) };
      default: return { key: id, value: JSON.stringify({ ...envelope, type: 'contract.resumed', payload: {} }) }; // unknown contract
    }
  });
}

/** The answers the people give by hand: none for a contract terminated at once, and none that an event brought. */
export function answersByHand(c: FaultContract): Partial<Record<CheckKind, unknown>> {
  if (c.role === 'terminated') return {};
  if (c.role !== 'early-events') return c.answers;
  const { 'award-record': _a, 'annual-review': _r, 'insertion-hours': _h, ...rest } = c.answers;
  return rest;
}

/** The decisions a contract's people take up to its award, asking only the questions the rules ask. */
function decisionsUpToAward(c: FaultContract, policy: Policy): Partial<Answers> {
  const decisions: Partial<Answers> = {};
  const ctx = () => ({ contract: c.facts, policy, decisions });
  const ask = (specs: rules.CheckSpec[]) => specs.forEach((s) => ((decisions as Record<string, unknown>)[s.kind] = c.answers[s.kind]));
  for (const phase of [rules.programmingChecks, rules.sourcingChecks, rules.cadChecks, rules.consultationChecks, rules.awardChecks]) ask(phase(ctx()));
  return decisions;
}

/**
 * The indicator events a contract must end with, from the domain rules and its script: the questions asked phase
 * by phase, then the events of its answers. A contract terminated at registration has none.
 */
export function expectedIndicators(c: FaultContract, policy: Policy, nowMs = Date.now()): IndicatorEvent[] {
  if (c.role === 'terminated') return [];
  const decisions = decisionsUpToAward(c, policy);
  const today = isoDay(nowMs);
  const events = [...sourcingIndicators(today, decisions, policy)];
  const award = c.answers['award-record'];
  if (award.outcome === 'unsuccessful') return [...events, ...unsuccessfulIndicators(today, policy)];
  events.push(...awardIndicators(c.facts, decisions, award, policy));
  for (const year of [1, 2]) {
    if (rules.executionChecks({ contract: c.facts, policy, decisions }, year, today).some((s) => s.kind === 'insertion-hours')) {
      events.push(...insertionHoursIndicators(insertionHoursYear(award.startDate, year), c.answers['insertion-hours'].hours, policy));
    }
  }
  return events;
}

/** Whether the partner must be invited to the kickoff: an awarded contract whose insertion clause was retained. */
export function expectsPartnerKickoff(c: FaultContract, policy: Policy): boolean {
  if (c.role === 'terminated' || c.answers['award-record'].outcome !== 'awarded') return false;
  return rules.insertionPartnerInvited({ contract: c.facts, policy, decisions: decisionsUpToAward(c, policy) });
}
