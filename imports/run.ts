/**
 * An import, dry run or applied: each row of the file is read (streamed), compared with what the product holds, and
 * reported as to create, changed, unchanged or refused, naming the row and the field in French. Applied, contracts
 * become events through the same ingestion as Kafka (`contract.registered`, or `contract.notified` for a DECP
 * record), and people are opened or changed with an audit entry. Ids come from the file's own ids, so importing the
 * same file again changes nothing. With refused rows, nothing is applied unless the good rows are asked for alone.
 */
import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import type { EventProducer } from '../lib/kafka-producer';
import type { ContractFacts } from '../domain/contract';
import type { Policy } from '../domain/policy';
import { ingestEvents } from '../events/ingest';
import { eventJson } from '../schemas/contract-events';
import type { Db } from '../lib/db';
import type { Prisma } from '../prisma/generated/client';
import type { ImportIssue } from './cells';
import { readDecp, type DecpContract } from './decp';
import { readPeople, type ImportedPerson } from './people';
import { readProgramme } from './programme';
import type { SheetFormat } from './table';

export const IMPORT_KINDS = ['programmation', 'decp', 'personnes'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type Outcome = 'create' | 'change' | 'same' | 'refuse';

const FORMATS: Record<string, ImportOptions['format']> = { '.csv': 'csv', '.txt': 'csv', '.xlsx': 'xlsx', '.json': 'json' };

/** The format of an uploaded file by its extension, if it suits the kind of import (DECP: JSON; the others: CSV, XLSX). */
export function importFormat(fileName: string, kind: ImportKind): ImportOptions['format'] | undefined {
  const format = FORMATS[extname(fileName).toLowerCase()];
  return format && (kind === 'decp') === (format === 'json') ? format : undefined;
}

/** One row's fate: where it is in the file, what it is about, and why when it is refused or not taken as it is. */
export interface ImportLine {
  at: string;
  subject: string;
  outcome: Outcome;
  note?: string;
  issues?: ImportIssue[];
}

export interface ImportOptions {
  kind: ImportKind;
  /** Opens the file; called once for a dry run, twice when applying (the check, then the apply): memory stays flat. */
  open: () => Readable;
  format: SheetFormat | 'json';
  policy: Policy;
  /** Who imports, for the events' source and the audit (an administrator's address, or the command line). */
  actor: string;
  apply: boolean;
  /** Applies the good rows even when others are refused. */
  goodRowsOnly?: boolean;
  /** DECP: a record of another buyer (a grouped or merged one) is taken too. */
  anyBuyer?: boolean;
  /** DECP: who follows the imported contracts, and their service (the DECP names neither). */
  buyer?: { name: string; email: string };
  buyingService?: string;
  today?: string;
}

export interface ImportDeps {
  db: Db;
  producer?: EventProducer;
  contractEventsTopic?: string;
}

export interface ImportSummary {
  counts: Record<Outcome, number>;
  applied: boolean;
  /** Why nothing was applied although asked (rows refused). */
  held?: string;
}

type Planned = { line: ImportLine; event?: string; person?: ImportedPerson & { existingId?: string } };
const BATCH = 250;

/** Runs the import, handing each row's line to `report` as it goes; the summary counts them. */
export async function runImport(deps: ImportDeps, o: ImportOptions, report: (line: ImportLine) => void): Promise<ImportSummary> {
  const counts: Record<Outcome, number> = { create: 0, change: 0, same: 0, refuse: 0 };
  for await (const batch of plan(deps.db, o)) {
    for (const p of batch) {
      counts[p.line.outcome]++;
      report(p.line);
    }
  }
  if (!o.apply) return { counts, applied: false };
  if (counts.refuse && !o.goodRowsOnly) {
    return { counts, applied: false, held: `${counts.refuse} ligne(s) refusée(s) : rien n’est appliqué (corrigez le fichier, ou n’appliquez que les lignes valides)` };
  }
  for await (const batch of plan(deps.db, o)) await applyBatch(deps, o, batch);
  return { counts, applied: true };
}

async function* plan(db: Db, o: ImportOptions): AsyncGenerator<Planned[]> {
  const rows = planRows(o);
  let batch: Planned[] = [];
  const flush = async () => {
    const done = o.kind === 'personnes' ? await comparePeople(db, o, batch) : await compareContracts(db, o, batch);
    batch = [];
    return done;
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= BATCH) yield await flush();
  }
  if (batch.length) yield await flush();
}

/** The file's rows as planned items, before comparing them with the database. */
async function* planRows(o: ImportOptions): AsyncGenerator<Planned> {
  const collectivityId = o.policy.collectivity.id;
  const refused = (at: string, subject: string, issues: ImportIssue[]): Planned => ({ line: { at, subject, outcome: 'refuse', issues } });
  if (o.kind === 'programmation') {
    for await (const row of readProgramme(o.open(), o.format as SheetFormat, collectivityId)) {
      if (!row.ok) yield refused(`ligne ${row.line}`, '', row.issues);
      else yield { line: { at: `ligne ${row.line}`, subject: row.facts.id, outcome: 'create' }, event: envelope(o, 'contract.registered', row.facts, {}) };
    }
  } else if (o.kind === 'decp') {
    const buyer = o.buyer ?? { name: 'Import DECP', email: `import.decp@${collectivityId}.invalid` };
    const options = { collectivityId, buyer, buyingService: o.buyingService ?? 'Non précisé (import DECP)', recurring: false, today: o.today ?? new Date().toISOString().slice(0, 10) };
    const siret = o.policy.collectivity.siret;
    for await (const row of readDecp(o.open(), options)) {
      const at = `marché ${row.index + 1}`;
      if (!row.ok) {
        yield refused(at, row.id ?? '', row.issues);
        continue;
      }
      const c = row.contract;
      const other = !o.anyBuyer && c.buyerSiret !== siret;
      if (other) {
        yield refused(at, c.facts.id, [{
          field: 'acheteur.id',
          message: siret
            ? `acheteur ${c.buyerSiret}, la collectivité est ${siret} (--tout-acheteur pour un acheteur groupé ou fusionné)`
            : 'la politique ne donne pas le SIRET acheteur de la collectivité : publiez-le, ou importez avec --tout-acheteur',
        }]);
      } else yield notified(o, at, c);
    }
  } else {
    for await (const row of readPeople(o.open(), o.policy.partners.map((p) => p.id), o.format as SheetFormat)) {
      if (!row.ok) yield refused(`ligne ${row.line}`, '', row.issues);
      else yield { line: { at: `ligne ${row.line}`, subject: row.person.email, outcome: 'create' }, person: row.person };
    }
  }
}

/** A DECP record: it enters the lifecycle at its award, ended or running. */
function notified(o: ImportOptions, at: string, c: DecpContract): Planned {
  const award = { ...c.award, endDate: c.endsOn };
  const note = c.ended ? `terminé le ${c.endsOn} : compté dans les indicateurs de ${c.award.notifiedOn.slice(0, 4)}` : `en cours jusqu’au ${c.endsOn}`;
  return { line: { at, subject: c.facts.id, outcome: 'create', note }, event: envelope(o, 'contract.notified', c.facts, { award }) };
}

/** The event a row becomes: its id derived from the contract's, so it is the same each time. */
function envelope(o: ImportOptions, type: 'contract.registered' | 'contract.notified', facts: ContractFacts, extra: Record<string, unknown>): string {
  const { id, collectivityId, ...payload } = facts;
  return eventJson({ eventId: `import-${id}`.slice(0, 128), type, source: `import ${o.kind} (${o.actor})`, collectivity: collectivityId, contractId: id, payload: { ...payload, ...extra } });
}

/** A contract already known is left as it is: a registered contract changes through its events (amendments). */
async function compareContracts(db: Db, o: ImportOptions, batch: Planned[]): Promise<Planned[]> {
  const ids = batch.filter((p) => p.event).map((p) => p.line.subject);
  const known = new Map((await db.contract.findMany({ where: { id: { in: ids } }, select: { id: true, collectivityId: true, object: true, estimatedAmountHt: true, plannedAwardDate: true } })).map((c) => [c.id, c]));
  return batch.map((p) => {
    const c = p.event ? known.get(p.line.subject) : undefined;
    if (!c) return p;
    if (c.collectivityId !== o.policy.collectivity.id) return { line: { ...p.line, outcome: 'refuse', issues: [{ field: 'id', message: 'référence déjà prise par une autre collectivité' }] } };
    const facts = (JSON.parse(p.event!) as { payload: Omit<ContractFacts, 'id'> }).payload;
    const differs = [
      c.object !== facts.object && 'objet',
      Number(c.estimatedAmountHt) !== facts.estimatedAmountHT && 'montant',
      c.plannedAwardDate.toISOString().slice(0, 10) !== facts.plannedAwardDate && 'date',
    ].filter(Boolean);
    const note = differs.length ? `déjà enregistré ; diffère (${differs.join(', ')}) : un contrat enregistré change par ses événements (avenant), pas par un nouvel import` : 'déjà enregistré';
    return { line: { ...p.line, outcome: 'same', note } };
  });
}

async function comparePeople(db: Db, o: ImportOptions, batch: Planned[]): Promise<Planned[]> {
  const emails = batch.filter((p) => p.person).map((p) => p.person!.email);
  const known = new Map((await db.user.findMany({ where: { email: { in: emails } } })).map((u) => [u.email, u]));
  return batch.map((p) => {
    const u = p.person ? known.get(p.person.email) : undefined;
    if (!u || !p.person) return p;
    if (u.collectivityId !== o.policy.collectivity.id) return { line: { ...p.line, outcome: 'refuse', issues: [{ field: 'email', message: 'adresse déjà utilisée dans une autre collectivité' }] } };
    const changes = [u.name !== p.person.name && 'nom', u.role !== p.person.role && 'rôle', (u.partnerId ?? undefined) !== p.person.partnerId && 'partenaire'].filter(Boolean);
    const person = { ...p.person, existingId: u.id };
    return changes.length ? { line: { ...p.line, outcome: 'change', note: `change : ${changes.join(', ')}` }, person } : { line: { ...p.line, outcome: 'same' } };
  });
}

async function applyBatch(deps: ImportDeps, o: ImportOptions, batch: Planned[]): Promise<void> {
  const todo = batch.filter((p) => p.line.outcome === 'create' || p.line.outcome === 'change');
  if (o.kind !== 'personnes') {
    if (!deps.producer || !deps.contractEventsTopic) throw new Error('import de contrats sans producteur Kafka');
    const results = await ingestEvents(deps.producer, deps.contractEventsTopic, todo.map((p) => p.event!), { collectivityId: o.policy.collectivity.id });
    const refused = results.find((r) => !r.ok);
    if (refused && !refused.ok) throw new Error(`événement refusé à l’ingestion : ${refused.reason}`);
    return;
  }
  const collectivityId = o.policy.collectivity.id;
  await deps.db.$transaction(async (tx) => {
    for (const { person: p } of todo) {
      const data = { name: p!.name, role: p!.role, partnerId: p!.partnerId ?? null };
      if (p!.existingId) await tx.user.update({ where: { id: p!.existingId }, data });
      else await tx.user.create({ data: { id: randomUUID(), email: p!.email, collectivityId, ...data } });
      const detail = { email: p!.email, ...data } as Prisma.InputJsonValue;
      await tx.adminAudit.create({ data: { id: randomUUID(), collectivityId, actor: o.actor, action: p!.existingId ? 'person.changed' : 'person.added', detail } });
    }
  });
}
