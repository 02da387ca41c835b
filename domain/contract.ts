/** A public contract's facts, as the lifecycle workflow knows them. */
import { z } from 'zod';
import './french-errors';

export const NATURES = ['works', 'supplies', 'services', 'design'] as const;
export const PROCEDURES = ['mapa', 'appel-offres', 'procedure-avec-negociation', 'dialogue-competitif', 'sans-publicite'] as const;
export const SUPPLIER_SIZES = ['TPE', 'PME', 'ETI', 'GE'] as const;
export const SOCIAL_STATUSES = ['none', 'ESS', 'SIAE', 'EA', 'ESAT'] as const;

const person = z.object({ name: z.string().min(1), email: z.email() });

export const ContractFactsSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'lettres, chiffres, point, tiret ou souligné'),
  collectivityId: z.string().min(1),
  object: z.string().min(3),
  nature: z.enum(NATURES),
  cpv: z.string().regex(/^\d{8}(-\d)?$/, 'code CPV à 8 chiffres'),
  estimatedAmountHT: z.number().nonnegative(),
  procedure: z.enum(PROCEDURES),
  lots: z.number().int().nonnegative().default(0),
  durationMonths: z.number().int().positive(),
  /** When the contract should be notified; programming starts from here, J-24 months. */
  plannedAwardDate: z.iso.date(),
  recurring: z.boolean(),
  buyingService: z.string().min(1),
  buyer: person,
  manager: person.optional(),
});
export type ContractFacts = z.infer<typeof ContractFactsSchema>;
export type ContractFactsInput = z.input<typeof ContractFactsSchema>;

export const SupplierSchema = z.object({
  siret: z.string().regex(/^\d{14}$/, 'SIRET à 14 chiffres'),
  name: z.string().min(1),
  size: z.enum(SUPPLIER_SIZES),
  socialStatus: z.enum(SOCIAL_STATUSES),
  departement: z.string().regex(/^\d{2,3}$|^2[AB]$/),
  region: z.string().optional(),
  /** The supplier's commune, for the collectivity's own territory level (policy collectivity.communes). */
  commune: z.string().min(1).optional(),
  /** Who to invite to the kickoff meeting on the contractor's side (an iCalendar invitation). */
  contact: person.optional(),
});
export type Supplier = z.infer<typeof SupplierSchema>;

/**
 * A supplier as a notified contract's source knows it: DECP 2.0.3 gives the holder's SIRET only (`titulaires`), not
 * its name, size, status or location. What is unknown stays unknown; the indicators that need it leave it out.
 */
export const RecordedSupplierSchema = SupplierSchema.partial().required({ siret: true });
export type RecordedSupplier = z.infer<typeof RecordedSupplierSchema>;

/** Considerations, in the DECP vocabulary (données essentielles de la commande publique). */
export const SOCIAL_CONSIDERATIONS = ['Clause sociale', 'Critère social', 'Marché réservé'] as const;
export const ENVIRONMENTAL_CONSIDERATIONS = ['Clause environnementale', 'Critère environnemental'] as const;
export const NO_SOCIAL = 'Pas de considération sociale';
export const NO_ENVIRONMENTAL = 'Pas de considération environnementale';
export type SocialConsideration = (typeof SOCIAL_CONSIDERATIONS)[number] | typeof NO_SOCIAL;
export type EnvironmentalConsideration = (typeof ENVIRONMENTAL_CONSIDERATIONS)[number] | typeof NO_ENVIRONMENTAL;

/** The deterministic workflow id of a contract's lifecycle: one workflow per contract. */
export function contractWorkflowId(contractId: string): string {
  return `contract-${contractId}`;
}

/** The contract id of the next cycle of a recurring need (renewal). */
export function nextCycleContractId(contractId: string, cycle: number): string {
  return `${contractId.replace(/-R\d+$/, '')}-R${cycle + 1}`;
}
