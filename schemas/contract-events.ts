/**
 * Inbound contract events: the envelope and each type's payload, versioned. This file is the single source:
 * TypeScript types are inferred from it and the JSON Schemas in schemas/json are generated from it
 * (`npm run schemas`); a test fails when they drift.
 */
import { z } from 'zod';
import { AwardedSchema, NotifiedAwardSchema } from '../domain/answers';
import { ContractFactsSchema } from '../domain/contract';

const isoDate = z.iso.date();
const reason = z.string().min(3);

/** Payload schemas by event type, then by version. */
export const PAYLOADS = {
  'contract.registered': { 1: ContractFactsSchema.omit({ id: true, collectivityId: true }) },
  /** A contract notified before the product knew it (a DECP import): it enters the lifecycle at its award. */
  'contract.notified': { 1: ContractFactsSchema.omit({ id: true, collectivityId: true }).extend({ award: NotifiedAwardSchema }) },
  'consultation.published': { 1: z.object({ publishedOn: isoDate, platform: z.string().optional(), reference: z.string().optional() }) },
  'bids.received': { 1: z.object({ count: z.number().int().nonnegative(), closedOn: isoDate }) },
  'contract.awarded': { 1: AwardedSchema.omit({ outcome: true }) },
  'contract.amended': {
    1: z.object({
      amountHT: z.number().positive().optional(),
      endDate: isoDate.optional(),
      reason: z.string().optional(),
      /** Considerations after the amendment (or a correction of the award record): the figures of the notification year follow. */
      social: AwardedSchema.shape.social.optional(),
      environmental: AwardedSchema.shape.environmental.optional(),
    }),
  },
  'purchase-order.issued': { 1: z.object({ reference: z.string().min(1), amountHT: z.number().positive(), issuedOn: isoDate }) },
  /** The buyer sets or moves the kickoff meeting: the attendees get an iCalendar invitation, then its updates. */
  'kickoff.scheduled': {
    1: z.object({
      on: isoDate,
      at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'heure au format HH:MM (heure de Paris)').optional(),
      place: z.string().min(2).max(200).optional(),
    }),
  },
  'contract.suspended': { 1: z.object({ reason }) },
  'contract.resumed': { 1: z.object({}) },
  'contract.terminated': { 1: z.object({ reason, effectiveOn: isoDate.optional() }) },
  'procedure.unsuccessful': { 1: z.object({ reason }) },
  'supplier-review.submitted': { 1: z.object({ year: z.number().int().positive(), score: z.number().int().min(1).max(5), progressPlan: z.string().min(3) }) },
  'insertion-hours.reported': { 1: z.object({ year: z.number().int().positive(), hours: z.number().nonnegative() }) },
} as const;

export type EventType = keyof typeof PAYLOADS;
export const EVENT_TYPES = Object.keys(PAYLOADS) as EventType[];
/** The types that may target a contract the product does not know yet: they start its workflow. */
export const CREATING_TYPES: EventType[] = ['contract.registered', 'contract.notified'];

export const EnvelopeSchema = z.object({
  eventId: z.string().min(8).max(128),
  type: z.string(),
  version: z.number().int().positive(),
  time: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  collectivity: z.string().regex(/^[a-z0-9-]+$/),
  contractId: z.string().regex(/^[A-Za-z0-9._-]+$/),
  payload: z.unknown(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** An event as producers send it, version 1, timed now: the raw JSON the ingestion validates (forms, imports, demo). */
export function eventJson(e: { eventId: string; type: EventType; source: string; collectivity: string; contractId: string; payload: unknown }): string {
  return JSON.stringify({ eventId: e.eventId, type: e.type, version: 1, time: new Date().toISOString(), source: e.source, collectivity: e.collectivity, contractId: e.contractId, payload: e.payload });
}

export type Payload<T extends EventType> = z.infer<(typeof PAYLOADS)[T][1]>;
export type ContractEventMessage = { [T in EventType]: Omit<Envelope, 'type' | 'payload'> & { type: T; payload: Payload<T> } }[EventType];

/** A field the envelope or the payload got wrong: its path (payload fields relative to the payload) and why. */
export interface EventIssue {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; event: ContractEventMessage } | { ok: false; reason: string; issues?: EventIssue[] };

/** Parses raw message bytes: JSON, envelope, known type and version, payload. The reason is for people (French). */
export function parseContractEvent(raw: Buffer | string | null): ParseResult {
  if (raw === null) return { ok: false, reason: 'message vide' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    return { ok: false, reason: 'le message n’est pas du JSON valide' };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `enveloppe invalide : ${described(envelope.error)}`, issues: issues(envelope.error) };
  const versions = PAYLOADS[envelope.data.type as EventType] as Record<number, z.ZodType> | undefined;
  if (!versions) return { ok: false, reason: `type d’événement inconnu : ${envelope.data.type}` };
  const schema = versions[envelope.data.version];
  if (!schema) return { ok: false, reason: `version ${envelope.data.version} inconnue pour ${envelope.data.type}` };
  const payload = schema.safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, reason: `contenu invalide pour ${envelope.data.type} : ${described(payload.error)}`, issues: issues(payload.error) };
  return { ok: true, event: { ...envelope.data, payload: payload.data } as ContractEventMessage };
}

function issues(error: z.ZodError): EventIssue[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(racine)', message: i.message }));
}

const described = (error: z.ZodError) => issues(error).map((i) => `${i.path} : ${i.message}`).join(' ; ');
