/**
 * Contracts already notified, from a DECP file (données essentielles de la commande publique, format 2.0.3,
 * schemas/decp/): each `marche` becomes contract facts and its award as the DECP tells it, streamed one at a time.
 * The concessions (`contrat-concession`) are not contracts of this product: they are skipped.
 */
import { pipeline, type Readable } from 'node:stream';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { z } from 'zod';
import { AwardedSchema } from '../domain/answers';
import {
  ContractFactsSchema, ENVIRONMENTAL_CONSIDERATIONS, NO_ENVIRONMENTAL, NO_SOCIAL, SOCIAL_CONSIDERATIONS, SupplierSchema, type ContractFacts,
} from '../domain/contract';
import { addMonths } from '../domain/dates';
import { idPart, ImportFileError, normalizeLabel, type ImportIssue } from './cells';
import { parseProcedure } from './vocabulary';

/**
 * The award as far as the DECP tells it: AwardedSchema without what it does not publish. The supplier is its SIRET only
 * (no name, size, social status or département); the bids from SMEs, the circular economy and the labels held are absent.
 */
export const DecpAwardSchema = AwardedSchema.omit({ smeBids: true, circularEconomy: true, labelsHeld: true }).extend({
  supplier: SupplierSchema.pick({ siret: true }),
});
export type DecpAward = z.infer<typeof DecpAwardSchema>;

export interface DecpContract {
  facts: ContractFacts;
  award: DecpAward;
  /** acheteur.id: the caller checks it is the collectivity's (policy collectivity.siret). */
  buyerSiret: string;
  /** The end after the last modification of the duration, if any (award.endDate is the end as notified). */
  endsOn: string;
  /** Ended before `today`. */
  ended: boolean;
}

/** `index` is the marché's position in marches.marche, from 0; `id` its DECP id when it has one. */
export type DecpRow = { ok: true; index: number; contract: DecpContract } | { ok: false; index: number; id?: string; issues: ImportIssue[] };

/** What the DECP does not say and the importing person does: the DECP names no person and no service. */
export const DecpOptionsSchema = z.object({
  collectivityId: z.string().regex(/^[A-Za-z0-9._-]+$/),
  buyer: ContractFactsSchema.shape.buyer,
  buyingService: z.string().min(1),
  /** Whether these needs recur (a next cycle at renewal); the DECP does not say, so the caller decides for the file. */
  recurring: z.boolean(),
  today: z.iso.date(),
});
export type DecpOptions = z.infer<typeof DecpOptionsSchema>;

const siret = z.string().regex(/^\d{14}$/, 'SIRET à 14 chiffres');
const procedure = z.string().transform((text, ctx) => parseProcedure(text) ?? (ctx.addIssue({ code: 'custom', message: `procédure inconnue : « ${text} »` }), z.NEVER));

/** The fields of a `marche` that we read, with the constraints of the DECP schema; the messages name DECP paths. */
const MarcheSchema = z.object({
  id: z.string().min(1),
  acheteur: z.object({ id: siret }),
  objet: z.string(),
  codeCPV: z.string().regex(/^\d{8}(-\d)?$/, 'code CPV à 8 chiffres'),
  ccag: z.string().optional(),
  procedure,
  dureeMois: z.number().int().min(1),
  dateNotification: z.iso.date('date au format AAAA-MM-JJ'),
  montant: z.number().min(1),
  offresRecues: z.number().int().min(1),
  typeGroupementOperateurs: z.string().optional(),
  titulaires: z.array(z.unknown()).min(1),
  considerationsSociales: z.object({ considerationSociale: z.array(z.enum([...SOCIAL_CONSIDERATIONS, NO_SOCIAL])).min(1) }),
  considerationsEnvironnementales: z.object({ considerationEnvironnementale: z.array(z.enum([...ENVIRONMENTAL_CONSIDERATIONS, NO_ENVIRONMENTAL])).min(1) }),
  modifications: z.array(z.unknown()).optional(),
});
type Marche = z.infer<typeof MarcheSchema>;

const TitulaireSchema = z.object({ typeIdentifiant: z.string(), id: z.string() });
const ModificationSchema = z.object({ id: z.number().int().optional(), dureeMois: z.number().int().min(1).optional() });

/** Each marché of a DECP file, streamed: 2.0.3's `{ marches: { marche: [...] } }` and the older `{ marches: [...] }`. */
export async function* readDecp(input: Readable, options: DecpOptions): AsyncGenerator<DecpRow> {
  const opts = DecpOptionsSchema.parse(options);
  const items = pipeline(input, pick.withParserAsStream({ filter: marcheList }), streamArray.asStream(), () => {}) as AsyncIterable<{ key: number; value: unknown }>;
  // Contract id → its first index: a marché published twice (it happens in consolidated files) is imported once.
  const seen = new Map<string, number>();
  try {
    for await (const { key, value } of items) {
      const row = decpContract(value, key, opts);
      const first = row.ok ? seen.get(row.contract.facts.id) : undefined;
      if (row.ok && first !== undefined) yield { ok: false, index: key, id: decpIdOf(value), issues: [{ field: 'id', message: `marché déjà lu (position ${first})` }] };
      else yield row;
      if (row.ok && first === undefined) seen.set(row.contract.facts.id, key);
    }
  } catch (error) {
    throw new ImportFileError('fichier DECP', error);
  }
}

const marcheList = (stack: (string | number | null)[], token: { name: string }) =>
  token.name === 'startArray' && stack[0] === 'marches' && (stack.length === 1 || (stack.length === 2 && stack[1] === 'marche'));

const decpIdOf = (marche: unknown) => (typeof marche === 'object' && marche !== null && 'id' in marche && typeof marche.id === 'string' ? marche.id : undefined);

/** The contract id of a DECP marché: its id is unique per buyer only, so the buyer's SIRET is part of ours. */
export function decpContractId(buyerSiret: string, decpId: string): string {
  return `DECP-${buyerSiret}-${idPart(decpId)}`;
}

/** One marché as contract facts and award, or the issues, each naming its DECP path (e.g. titulaires[0].titulaire.id). */
export function decpContract(marche: unknown, index: number, options: DecpOptions): DecpRow {
  const raw = typeof marche === 'object' && marche !== null ? (marche as Record<string, unknown>) : {};
  const rawId = decpIdOf(marche);
  const parsed = MarcheSchema.safeParse(marche, { error: (i) => (i.input === undefined ? 'champ requis' : undefined) });
  const issues: ImportIssue[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: pathText(i.path), message: i.message }));
  const supplier = titulaireSiret(Array.isArray(raw.titulaires) ? raw.titulaires : undefined, issues);
  if (!parsed.success || !supplier) return { ok: false, index, id: rawId, issues };
  const m = parsed.data;
  if (!idPart(m.id)) return { ok: false, index, id: rawId, issues: [{ field: 'id', message: 'identifiant sans lettre ni chiffre' }] };

  const endsOn = addMonths(m.dateNotification, currentDuration(m, issues));
  const facts = ContractFactsSchema.safeParse({
    id: decpContractId(m.acheteur.id, m.id), collectivityId: options.collectivityId, object: m.objet, nature: natureOf(m.codeCPV, m.ccag),
    cpv: m.codeCPV, estimatedAmountHT: m.montant, procedure: m.procedure, durationMonths: m.dureeMois, plannedAwardDate: m.dateNotification,
    recurring: options.recurring, buyingService: options.buyingService, buyer: options.buyer,
  });
  const award = DecpAwardSchema.safeParse({
    outcome: 'awarded', awardedAmountHT: m.montant, notifiedOn: m.dateNotification, startDate: m.dateNotification,
    endDate: addMonths(m.dateNotification, m.dureeMois), supplier: { siret: supplier }, bids: m.offresRecues,
    coContracting: m.titulaires.length > 1 || ['Conjoint', 'Solidaire'].includes(m.typeGroupementOperateurs ?? ''),
    social: [...new Set(m.considerationsSociales.considerationSociale)],
    environmental: [...new Set(m.considerationsEnvironnementales.considerationEnvironnementale)],
  });
  for (const i of facts.error?.issues ?? []) issues.push({ field: SOURCE_OF[String(i.path[0])] ?? pathText(i.path), message: i.message });
  for (const i of award.error?.issues ?? []) issues.push({ field: SOURCE_OF[String(i.path[0])] ?? pathText(i.path), message: i.message });
  if (!facts.success || !award.success || issues.length) return { ok: false, index, id: rawId, issues };
  return { ok: true, index, contract: { facts: facts.data, award: award.data, buyerSiret: m.acheteur.id, endsOn, ended: endsOn < options.today } };
}

/** Our fields as the DECP fields they come from, for the messages. */
const SOURCE_OF: Record<string, string> = {
  object: 'objet', nature: 'codeCPV', cpv: 'codeCPV', estimatedAmountHT: 'montant', awardedAmountHT: 'montant', durationMonths: 'dureeMois',
  plannedAwardDate: 'dateNotification', notifiedOn: 'dateNotification', startDate: 'dateNotification', endDate: 'dureeMois', bids: 'offresRecues',
};

/** The first titulaire's SIRET: the supplier the product follows (size, ESS status, territory) is known by it only. */
function titulaireSiret(titulaires: unknown[] | undefined, issues: ImportIssue[]): string | undefined {
  if (!titulaires?.length) return undefined;
  const { value, path } = unwrap(titulaires[0], 'titulaire', 'titulaires[0]');
  const t = TitulaireSchema.safeParse(value);
  if (!t.success) {
    issues.push(...t.error.issues.map((i) => ({ field: `${path}${i.path.length ? '.' + pathText(i.path) : ''}`, message: i.message })));
    return undefined;
  }
  if (t.data.typeIdentifiant !== 'SIRET') {
    issues.push({ field: `${path}.typeIdentifiant`, message: `titulaire identifié par ${t.data.typeIdentifiant} : seul un SIRET permet de suivre l’entreprise` });
    return undefined;
  }
  const id = t.data.id.replace(/\s/g, '');
  if (!/^\d{14}$/.test(id)) issues.push({ field: `${path}.id`, message: `SIRET à 14 chiffres : « ${t.data.id} »` });
  return /^\d{14}$/.test(id) ? id : undefined;
}

/** The duration after the last modification that changed it (2.0.3: "nouvelle durée"), else the initial one. */
function currentDuration(m: Marche, issues: ImportIssue[]): number {
  let months = m.dureeMois;
  let order = -Infinity;
  m.modifications?.forEach((item, i) => {
    const { value, path } = unwrap(item, 'modification', `modifications[${i}]`);
    const mod = ModificationSchema.safeParse(value);
    if (!mod.success) issues.push(...mod.error.issues.map((x) => ({ field: `${path}.${pathText(x.path)}`, message: x.message })));
    else if (mod.data.dureeMois !== undefined && (mod.data.id ?? i) >= order) [months, order] = [mod.data.dureeMois, mod.data.id ?? i];
  });
  return months;
}

/**
 * Works, supplies, services or design. The CCAG says works ("Travaux") and design ("Maitrise d'œuvre", as our export
 * writes them); otherwise the CPV division (its first two digits) does. In the CPV main vocabulary (Regulation (EC)
 * No 2195/2002 as amended by Regulation (EC) No 213/2008, Annex I) division 45 is construction work, divisions 03 to
 * 44 and 48 are products, divisions 50 to 98 are services (there is no division 49: counted with the services).
 */
export function natureOf(cpv: string, ccag?: string): ContractFacts['nature'] {
  const frame = normalizeLabel(ccag ?? '');
  if (frame === 'travaux') return 'works';
  if (frame === 'maitrise d oeuvre') return 'design';
  const division = Number(cpv.slice(0, 2));
  return division === 45 ? 'works' : division <= 44 || division === 48 ? 'supplies' : 'services';
}

/** 2.0.3 wraps each item (`{ titulaire: {...} }`); the older format does not. */
function unwrap(item: unknown, key: string, path: string): { value: unknown; path: string } {
  return typeof item === 'object' && item !== null && key in item ? { value: (item as Record<string, unknown>)[key], path: `${path}.${key}` } : { value: item, path };
}

/** ['titulaires', 0, 'titulaire', 'id'] → 'titulaires[0].titulaire.id' */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}
