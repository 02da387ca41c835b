/** What each indicator means to a reader of the yearly report: its French label, its kind and its denominator. */
import type { IndicatorId } from './policy';

export type IndicatorKind = 'share' | 'count' | 'sum';

export interface IndicatorInfo {
  label: string;
  kind: IndicatorKind;
  /** Shares: what the percentage is of. */
  among?: string;
  /** Sums: the unit of the value. */
  unit?: string;
}

const notified = 'contrats notifiés dans l’année';

export const INDICATOR_CATALOG: Record<IndicatorId, IndicatorInfo> = {
  'env-criterion': { label: 'Contrats avec un critère environnemental', kind: 'share', among: notified },
  'env-considerations': { label: 'Contrats avec des considérations environnementales', kind: 'share', among: notified },
  'social-considerations': { label: 'Contrats avec au moins une considération sociale', kind: 'share', among: notified },
  'formal-insertion-clause': { label: 'Procédures formalisées comportant une clause d’insertion', kind: 'share', among: 'contrats issus de procédures formalisées notifiés dans l’année' },
  'formal-social-considerations': { label: 'Procédures formalisées comportant des considérations sociales', kind: 'share', among: 'contrats issus de procédures formalisées' },
  'circular-economy-targeted': { label: 'Contrats intégrant l’économie circulaire', kind: 'share', among: 'contrats ciblés économie circulaire à la programmation' },
  'sme-targeted': { label: 'Contrats confiés à des TPE-PME', kind: 'share', among: 'contrats ciblés TPE-PME à la programmation' },
  'insertion-hours': { label: 'Heures d’insertion réalisées', kind: 'sum', unit: 'heures' },
  'reserved-contracts': { label: 'Marchés réservés (SIAE, EA-ESAT, ESS)', kind: 'count' },
  'sme-share': { label: 'Contrats attribués à des TPE-PME', kind: 'share', among: notified },
  'local-share': { label: 'Contrats attribués à des fournisseurs du territoire', kind: 'share', among: notified },
  'unsuccessful-procedures': { label: 'Procédures infructueuses', kind: 'count' },
  'sourcing-sessions': { label: 'Séances de sourcing', kind: 'count' },
  'eco-label-requirements': { label: 'Contrats exigeant des produits écolabellisés', kind: 'share', among: notified },
  'global-cost-criterion': { label: 'Contrats avec un critère de coût global', kind: 'share', among: notified },
  'co-contracting': { label: 'Marchés attribués à un groupement', kind: 'count' },
  'gender-equality-clause': { label: 'Contrats avec une clause d’égalité femmes-hommes', kind: 'share', among: 'contrats notifiés à qui la question égalité a été posée, répondue ou non' },
  'works-waste-clause': { label: 'Marchés de travaux avec une clause de gestion des déchets', kind: 'share', among: 'marchés de travaux notifiés' },
  'running-social-clause': { label: 'Marchés en cours intégrant une clause sociale', kind: 'share', among: 'marchés en cours d’exécution dans l’année' },
  'local-amount': { label: 'Montant attribué à des fournisseurs du territoire', kind: 'sum', unit: '€ HT' },
  'sme-candidates': { label: 'Offres de TPE-PME reçues', kind: 'sum', unit: 'offres' },
};

/** Levels of `local-share` events (`dimensions.level`), nearest first. */
export const LOCAL_LEVELS = { territoire: 'du territoire de la collectivité', departement: 'du département', region: 'de la région', 'hors-region': 'hors région' } as const;
