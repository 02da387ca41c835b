/** The pages people use: the buyer's inbox, the contracts (manager's views), a contract with its timeline and audit trail. */
import type { Client } from '@temporalio/client';
import { latestPolicy } from '../../reports/policy-of';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../lib/db';
import { mayAnswer } from '../access';
import { showAnswerForm, submitAnswerForm } from '../answer-form-page';
import { auditTrail, type TrailEntry } from '../audit-trail';
import { pageViewer } from '../auth/plugin';
import { type CsvColumns, sendCsv } from '../csv';
import type { FormBody } from '../forms/answer-form';
import * as q from '../queries';
import { contractActions } from './contract-forms';
import { page, PHASE_LABELS } from '../render';

interface ListQuery {
  service?: string;
  phase?: string;
  retard?: string;
  recherche?: string;
  tri?: string;
  page?: string;
}

const PAGE_SIZE = 50;
const filtersOf = (query: ListQuery): q.ContractFilters =>
  ({ service: query.service || undefined, phase: query.phase || undefined, overdue: query.retard === '1', search: query.recherche || undefined });

// The CSV exports: each column's French header and type; web/csv.ts writes each type as spreadsheets expect it.
const CONTRACT_COLUMNS: CsvColumns<Awaited<ReturnType<typeof q.contracts>>[number]> = {
  id: ['marché', 'text'], collectivityId: ['collectivité', 'text'], object: ['objet', 'text'], buyingService: ['service', 'text'],
  buyerEmail: ['acheteur', 'text'], phase: ['étape', 'text'], status: ['statut', 'text'], estimatedAmountHt: ['montant estimé HT', 'amount'],
  awardedAmountHt: ['montant attribué HT', 'amount'], plannedAwardDate: ['attribution prévue', 'date'],
  openTasks: ['tâches ouvertes', 'number'], overdueTasks: ['tâches en retard', 'number'],
};
const TRAIL_COLUMNS: CsvColumns<TrailEntry> = { at: ['date', 'datetime'], source: ['source', 'text'], actor: ['qui', 'text'], action: ['action', 'text'], summary: ['détail', 'text'] };

const notFound = { title: 'Introuvable', text: 'Ce contrat ou cette tâche n’existe pas, ou vous n’y avez pas accès.', tone: 'warning', next: { href: '/', label: 'Retour à l’accueil' } };

export function pageRoutes(app: FastifyInstance, db: Db, temporal: Client): void {
  app.get('/', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (viewer) return reply.redirect(viewer.role === 'buyer' ? '/taches' : viewer.role === 'partner' ? '/partenaire' : '/contrats');
  });

  // Public: the accessibility statement, with each collectivity's public-procurement service as the contact.
  app.get('/accessibilite', async (req, reply) => {
    const collectivities = await db.collectivity.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } });
    const contacts = (await Promise.all(collectivities.map(async (c) => {
      const policy = await latestPolicy(db, c.id);
      return policy ? [{ name: c.name, email: policy.contacts.publicProcurementService }] : [];
    }))).flat();
    return page(reply, 'accessibility', { title: 'Déclaration d’accessibilité', contacts }, await req.viewer());
  });

  app.get('/taches', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return;
    return page(reply, 'tasks', { title: 'Mes tâches', tasks: await q.openTasks(db, viewer) }, viewer);
  });

  app.get<{ Querystring: ListQuery }>('/contrats', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return;
    const filters = filtersOf(req.query);
    const sort = (req.query.tri && req.query.tri in q.CONTRACT_SORTS ? req.query.tri : 'attribution') as q.ContractSort;
    // The page asked for is read with the total, not after it; past the last page, the last page is read again.
    const asked = Math.max(1, Number.parseInt(req.query.page ?? '1', 10) || 1);
    const pageOf = (page: number) => q.contractPage(db, viewer, filters, { page, pageSize: PAGE_SIZE, sort });
    const [total, askedRows, services, collectivity] = await Promise.all([
      q.countContracts(db, viewer, filters), pageOf(asked), q.services(db, viewer), db.collectivity.findUnique({ where: { id: viewer.collectivityId } }),
    ]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const current = Math.min(pages, asked);
    const contracts = current === asked ? askedRows : await pageOf(current);
    // The list's URL without the page and the order, for the links that change one of them.
    const kept = Object.entries(req.query).filter(([k, v]) => v && k !== 'page' && k !== 'tri') as [string, string][];
    const link = (changes: Record<string, string>) => `/contrats?${new URLSearchParams([...kept, ...Object.entries(changes)]).toString()}`;
    const query = new URLSearchParams(kept).toString();
    return page(reply, 'contracts', {
      title: 'Contrats', contracts, services, filters, phases: PHASE_LABELS, query, total, sort, pages, current, link,
    }, { ...viewer, collectivityName: collectivity?.name } as typeof viewer);
  });

  app.get<{ Querystring: ListQuery }>('/contrats.csv', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return;
    return sendCsv(reply, 'contrats.csv', CONTRACT_COLUMNS, await q.contracts(db, viewer, filtersOf(req.query)));
  });

  app.get<{ Params: { id: string } }>('/contrats/:id', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return;
    const contract = await q.contract(db, viewer, req.params.id);
    if (!contract) return page(reply.code(404), 'message', notFound, viewer);
    const trail = await auditTrail(db, temporal, contract);
    const canAnswer = (t: { kind: string; assigneeEmail: string }) => mayAnswer(viewer, { ...t, contract });
    return page(reply, 'contract', { title: contract.object, contract, trail, canAnswer, actions: contractActions(viewer, contract) }, viewer);
  });

  app.get<{ Params: { id: string } }>('/contrats/:id/historique.csv', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return;
    const contract = await q.contractRef(db, viewer, req.params.id);
    if (!contract) return page(reply.code(404), 'message', notFound, viewer);
    return sendCsv(reply, `historique-${contract.id}.csv`, TRAIL_COLUMNS, await auditTrail(db, temporal, contract));
  });

  app.get<{ Params: { id: string } }>('/taches/:id', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return;
    const task = await q.task(db, viewer, req.params.id);
    if (!task || !mayAnswer(viewer, task)) return page(reply.code(404), 'message', notFound, viewer);
    if (task.status !== 'open') return page(reply, 'message', { title: 'Question close', text: 'Cette question a déjà reçu une réponse ou n’est plus ouverte.', next: { href: `/contrats/${encodeURIComponent(task.contractId)}`, label: 'Voir le contrat' } }, viewer);
    return showAnswerForm(reply, task, { action: req.url, viewer });
  });

  app.post<{ Params: { id: string }; Body: FormBody }>('/taches/:id', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return;
    const task = await q.task(db, viewer, req.params.id);
    if (!task || !mayAnswer(viewer, task)) return page(reply.code(404), 'message', notFound, viewer);
    if (!(await submitAnswerForm(temporal, db, reply, task, req.body ?? {}, viewer.email, { action: req.url, viewer }))) return reply;
    return page(reply, 'message', { title: 'Réponse enregistrée', text: 'Merci, le suivi du contrat passe à la suite.', tone: 'success', next: { href: `/contrats/${encodeURIComponent(task.contractId)}`, label: 'Voir le contrat' } }, viewer);
  });
}
