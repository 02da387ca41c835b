/** An import's report in French, for the command line and the page. */
import type { ImportLine, ImportSummary, Outcome } from './run';

export const OUTCOME_LABELS: Record<Outcome, string> = { create: 'à créer', change: 'à modifier', same: 'inchangé', refuse: 'refusé' };

export const issuesText = (line: ImportLine) => (line.issues ?? []).map((i) => `${i.field} : ${i.message}`).join(' ; ');

/** "ligne 12 · PROG-clermont-A12 : refusé — Montant estimé (HT) : montant illisible" */
export function lineText(line: ImportLine): string {
  const why = [issuesText(line), line.note].filter(Boolean).join(' ; ');
  return `${line.at}${line.subject ? ` · ${line.subject}` : ''} : ${OUTCOME_LABELS[line.outcome]}${why ? ` — ${why}` : ''}`;
}

export function summaryText(s: ImportSummary): string {
  const c = s.counts;
  const counts = `${c.create} à créer, ${c.change} à modifier, ${c.same} inchangé(s), ${c.refuse} refusé(s)`;
  if (s.held) return `Rien n’est appliqué. ${counts}. ${s.held}.`;
  return s.applied ? `Import appliqué : ${c.create} créé(s), ${c.change} modifié(s), ${c.same} inchangé(s), ${c.refuse} refusé(s).` : `Essai à blanc : ${counts}.`;
}
