/** Server-side pages: Eta templates under web/views, rendered with the viewer and French formatting helpers. */
import { Eta } from 'eta';
import type { FastifyReply } from 'fastify';
import { ROLE_LABELS, type Viewer } from './access';
import { fieldLabel } from './forms/labels';
import { appPath } from '../lib/paths';

// Each template read and compiled once per process, whatever NODE_ENV: compiling on every request cost the pages
// bench most of its time (`npm start` runs without NODE_ENV=production). A template edit needs a restart.
const eta = new Eta({ views: appPath('web', 'views'), autoEscape: true, cache: true });

const day = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeZone: 'Europe/Paris' });
const dayTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' });

export const PHASE_LABELS: Record<string, string> = {
  programming: 'Programmation', sourcing: 'Sourcing', consultation: 'Consultation', award: 'Attribution',
  kickoff: 'Lancement', execution: 'Exécution', closure: 'Clôture',
};
export const STATUS_LABELS: Record<string, string> = {
  active: 'En cours', suspended: 'Suspendu', closed: 'Clos', terminated: 'Résilié', unsuccessful: 'Infructueux',
  open: 'Ouverte', answered: 'Répondue', unanswered: 'Sans réponse', cancelled: 'Annulée',
};

export const fmt = {
  day: (d: Date | string | null | undefined) => (d ? day.format(new Date(d)) : '—'),
  dayTime: (d: Date | string | null | undefined) => (d ? dayTime.format(new Date(d)) : '—'),
  euros: (v: unknown) => (v == null ? '—' : `${Number(v).toLocaleString('fr-FR', { maximumFractionDigits: 0 })} € HT`),
  phase: (p: string) => PHASE_LABELS[p] ?? p,
  status: (s: string) => STATUS_LABELS[s] ?? s,
  role: (r: Viewer['role']) => ROLE_LABELS[r],
  answer: (a: unknown) => summarizeAnswer(a),
  overdue: (d: Date) => d.getTime() < Date.now(),
};

/** An answer in one line: "oui/non" for booleans, lists joined, nested objects flattened. */
function summarizeAnswer(a: unknown): string {
  if (a == null) return '—';
  if (typeof a === 'boolean') return a ? 'oui' : 'non';
  if (Array.isArray(a)) return a.length ? a.map(summarizeAnswer).join(', ') : 'aucun';
  if (typeof a === 'object') return Object.entries(a).map(([k, v]) => `${fieldLabel(k)} : ${summarizeAnswer(v)}`).join(' · ');
  return String(a);
}

export function renderView(view: string, data: Record<string, unknown>, viewer?: Viewer): string {
  return eta.render(`./${view}.eta`, { ...data, viewer, fmt });
}

export function page(reply: FastifyReply, view: string, data: Record<string, unknown>, viewer?: Viewer): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(renderView(view, data, viewer));
}
