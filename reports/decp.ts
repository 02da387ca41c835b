/**
 * Open data: the contracts notified in a year in the DECP format (données essentielles de la commande publique,
 * arrêté du 22 décembre 2022, schema 2.0.3 in schemas/decp/). The considerations use the DECP vocabulary already.
 */
import { createHash } from 'node:crypto';
import type { Answers } from '../domain/answers';
import type { Policy } from '../domain/policy';
import type { Db } from '../lib/db';

const PROCEDURES: Record<string, string> = {
  mapa: 'Procédure adaptée',
  'appel-offres': 'Appel d\'offres ouvert',
  'procedure-avec-negociation': 'Procédure avec négociation',
  'dialogue-competitif': 'Dialogue compétitif',
  'sans-publicite': 'Marché passé sans publicité ni mise en concurrence préalable',
};

const CCAG: Record<string, string> = {
  works: 'Travaux',
  supplies: 'Fournitures courantes et services',
  services: 'Fournitures courantes et services',
  design: 'Maitrise d\'œuvre',
};

export class DecpExportError extends Error {}

/** The DECP id is at most 16 characters; longer contract ids get a stable digest. */
export function decpId(contractId: string): string {
  return contractId.length <= 16 && !/[&"\\< ,;]/.test(contractId) ? contractId : createHash('sha256').update(contractId).digest('hex').slice(0, 16);
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function decpExport(db: Db, policy: Policy, year: number, publishedOn = new Date()) {
  if (!policy.collectivity.siret) {
    throw new DecpExportError(`SIRET de l’acheteur absent de la politique de ${policy.collectivity.name} (collectivity.siret) : requis par le format DECP`);
  }
  const contracts = await db.contract.findMany({
    where: {
      collectivityId: policy.collectivity.id, notifiedOn: { gte: new Date(`${year}-01-01`), lt: new Date(`${year + 1}-01-01`) },
      awardedAmountHt: { not: null }, supplierSiret: { not: null },
    },
    include: { tasks: { where: { kind: { in: ['programming-questionnaire', 'award-record', 'financial-terms', 'mandatory-advance', 'sme-advance', 'price-revision'] }, status: 'answered' } } },
    orderBy: [{ notifiedOn: 'asc' }, { id: 'asc' }],
  });
  const marche = contracts.map((c) => {
    const answer = <K extends keyof Answers>(kind: K) => c.tasks.find((t) => t.kind === kind)?.answer as Answers[K] | undefined;
    const award = answer('award-record');
    // Policies before 2026.1 asked the financial terms as one question; later ones ask each decision on its own.
    const financial = answer('financial-terms');
    const advance = financial?.advance ?? ((answer('mandatory-advance')?.advancePercent ?? 0) > 0 || (answer('sme-advance')?.smeAdvancePercent ?? 0) > 0);
    const revisable = financial?.priceRevision ?? answer('price-revision')?.priceRevision ?? false;
    return {
      id: decpId(c.id),
      acheteur: { id: policy.collectivity.siret! },
      nature: 'Marché',
      objet: c.object.slice(0, 1000),
      codeCPV: c.cpv,
      techniques: { technique: ['Sans objet'] },
      modalitesExecution: { modaliteExecution: ['Sans objet'] },
      marcheInnovant: answer('programming-questionnaire')?.innovation ?? false,
      ccag: CCAG[c.nature]!,
      offresRecues: Math.max(1, award?.outcome === 'awarded' ? award.bids : 1),
      attributionAvance: advance,
      typeGroupementOperateurs: award?.outcome === 'awarded' && award.coContracting ? 'Conjoint' : 'Pas de groupement',
      procedure: PROCEDURES[c.procedure]!,
      lieuExecution: { code: policy.collectivity.departement, typeCode: 'Code département' },
      dureeMois: Math.max(1, c.durationMonths),
      dateNotification: day(c.notifiedOn!),
      datePublicationDonnees: day(publishedOn),
      montant: Math.max(1, Number(c.awardedAmountHt)),
      typesPrix: { typePrix: [revisable ? 'Définitif révisable' : 'Définitif ferme'] },
      // Not captured by the workflow: the price form is published as the most common one (see the README).
      formePrix: 'Forfaitaire',
      sousTraitanceDeclaree: false,
      titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: c.supplierSiret! } }],
      considerationsSociales: { considerationSociale: c.socialConsiderations.length ? c.socialConsiderations : ['Pas de considération sociale'] },
      considerationsEnvironnementales: {
        considerationEnvironnementale: c.environmentalConsiderations.length ? c.environmentalConsiderations : ['Pas de considération environnementale'],
      },
    };
  });
  return { marches: { marche } };
}
