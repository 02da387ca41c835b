/** The managers' figures: indicators page with charts, drill-down, yearly report (HTML and PDF), CSV, DECP open data. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INDICATOR_CATALOG } from '../../domain/indicator-catalog';
import { INDICATORS, type IndicatorId, type Policy } from '../../domain/policy';
import type { Db } from '../../lib/db';
import { cadReview, GOAL_INDICATOR } from '../../reports/cad-review';
import { decpExport, DecpExportError } from '../../reports/decp';
import { drillDown } from '../../reports/figures';
import { PdfUnavailable, type PdfPrinter } from '../../reports/pdf';
import { latestPolicy } from '../../reports/policy-of';
import { yearlyReport } from '../../reports/yearly-report';
import type { Viewer } from '../access';
import { ASSETS } from '../assets';
import { apiViewer, pageViewer } from '../auth/plugin';
import { sendCsv } from '../csv';
import { page, renderView } from '../render';


const thisYear = () => new Date().getUTCFullYear();
const yearOf = (raw: string | undefined) => (raw && /^\d{4}$/.test(raw) ? Number(raw) : thisYear());

/** Figures are the managers' business; buyers and partners get a clear refusal. */
async function managerPolicy(db: Db, viewer: Viewer, reply: FastifyReply, api: boolean): Promise<Policy | undefined> {
  const refuse = (code: number, message: string) =>
    api ? reply.code(code).send({ erreur: message }) : page(reply.code(code), 'message', { title: 'Accès refusé', text: message, tone: 'warning' }, viewer);
  if (viewer.role !== 'manager') {
    await refuse(403, 'Les indicateurs sont réservés aux responsables de la collectivité.');
    return undefined;
  }
  const policy = await latestPolicy(db, viewer.collectivityId);
  if (!policy) await refuse(404, 'Aucune politique chargée pour cette collectivité : aucun contrat n’a encore été suivi.');
  return policy;
}

export function reportRoutes(app: FastifyInstance, db: Db, pdf: PdfPrinter): void {
  const withManager = (api: boolean, handler: (req: FastifyRequest, reply: FastifyReply, viewer: Viewer, policy: Policy) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const viewer = await (api ? apiViewer(req, reply) : pageViewer(req, reply));
      if (!viewer) return reply;
      const policy = await managerPolicy(db, viewer, reply, api);
      return policy ? handler(req, reply, viewer, policy) : reply;
    };

  app.get('/api/indicateurs', withManager(true, async (req, _reply, _v, policy) =>
    yearlyReport(db, policy, yearOf((req.query as { annee?: string }).annee))));

  app.get('/api/indicateurs/:indicateur/:annee', withManager(true, async (req, reply, viewer) => {
    const { indicateur, annee } = req.params as { indicateur: string; annee: string };
    if (!(INDICATORS as readonly string[]).includes(indicateur)) return reply.code(400).send({ erreur: `indicateur inconnu : ${indicateur}` });
    return { indicateur, annee: yearOf(annee), contrats: await drillDown(db, viewer.collectivityId, indicateur as IndicatorId, yearOf(annee)) };
  }));

  app.get('/indicateurs', withManager(false, async (req, reply, viewer, policy) => {
    const report = await yearlyReport(db, policy, yearOf((req.query as { annee?: string }).annee));
    const years = Array.from({ length: 6 }, (_, i) => thisYear() + 1 - i);
    return page(reply, 'indicators', { title: `Indicateurs ${report.year}`, report, years, generatedAt: new Date(), cad: !!policy.leadTimesMonths.cadReview }, viewer);
  }));

  app.get('/indicateurs/:indicateur/:annee', withManager(false, async (req, reply, viewer) => {
    const { indicateur, annee } = req.params as { indicateur: string; annee: string };
    if (!(INDICATORS as readonly string[]).includes(indicateur)) return page(reply.code(404), 'message', { title: 'Indicateur inconnu', text: indicateur, tone: 'warning' }, viewer);
    const year = yearOf(annee);
    const rows = await drillDown(db, viewer.collectivityId, indicateur as IndicatorId, year);
    const info = INDICATOR_CATALOG[indicateur as IndicatorId];
    return page(reply, 'drilldown', {
      title: info.label, info, year, rows, counted: rows.filter((r) => r.value !== 0), eligible: rows.filter((r) => r.inDenominator),
    }, viewer);
  }));

  app.get('/indicateurs.csv', withManager(false, async (req, reply, _v, policy) => {
    const report = await yearlyReport(db, policy, yearOf((req.query as { annee?: string }).annee));
    const rows = report.sections.flatMap((s) => s.trend.map((f) => ({
      indicator: s.indicator, label: s.label, year: f.year, numerator: f.numerator, denominator: f.denominator, value: f.value,
      targets: s.targets.map((t) => `${Math.round(t.share * 100)} % en ${t.year}`).join(' ; '),
    })));
    return sendCsv(reply, `indicateurs-${report.year}.csv`, {
      indicator: ['indicateur', 'text'], label: ['libellé', 'text'], year: ['année', 'number'], numerator: ['numérateur', 'number'],
      denominator: ['dénominateur', 'number'], value: ['valeur', 'number'], targets: ['objectifs', 'text'],
    }, rows);
  }));

  // Clermont's Comité annuel des achats durables: the year's targeted contracts and the review of the year before.
  app.get('/api/cad/:annee', withManager(true, async (req, reply, viewer, policy) => {
    if (!policy.leadTimesMonths.cadReview) return reply.code(404).send({ erreur: 'la politique de la collectivité ne prévoit pas de comité annuel des achats durables' });
    return cadReview(db, viewer.collectivityId, yearOf((req.params as { annee: string }).annee));
  }));

  app.get('/cad/:annee', withManager(false, async (req, reply, viewer, policy) => {
    if (!policy.leadTimesMonths.cadReview) {
      return page(reply.code(404), 'message', { title: 'Pas de comité annuel', text: 'La politique de la collectivité ne prévoit pas de comité annuel des achats durables.', tone: 'warning' }, viewer);
    }
    const review = await cadReview(db, viewer.collectivityId, yearOf((req.params as { annee: string }).annee));
    return page(reply, 'cad', { title: `Comité annuel des achats durables ${review.year}`, review, goals: GOAL_INDICATOR, catalog: INDICATOR_CATALOG }, viewer);
  }));

  app.get('/bilan/:annee', withManager(false, async (req, reply, _v, policy) => {
    const report = await yearlyReport(db, policy, yearOf((req.params as { annee: string }).annee));
    return reply.type('text/html; charset=utf-8').send(renderView('bilan', { report, generatedAt: new Date() }));
  }));

  app.get('/bilan/:annee/pdf', withManager(false, async (req, reply, viewer, policy) => {
    const report = await yearlyReport(db, policy, yearOf((req.params as { annee: string }).annee));
    const html = renderView('bilan', { report, generatedAt: new Date(), inline: ASSETS });
    let printed: Buffer;
    try {
      printed = await pdf.print(html);
    } catch (err) {
      if (err instanceof PdfUnavailable) return page(reply.code(503).header('retry-after', '60'), 'message', { title: 'Bilan PDF indisponible', text: err.message, tone: 'warning' }, viewer);
      throw err;
    }
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="bilan-spaser-${report.year}.pdf"`).send(printed);
  }));

  app.get('/decp/:annee.json', withManager(false, async (req, reply, viewer, policy) => {
    try {
      const data = await decpExport(db, policy, yearOf((req.params as { annee: string }).annee));
      return reply.header('content-disposition', `attachment; filename="decp-${policy.collectivity.id}-${(req.params as { annee: string }).annee}.json"`).send(data);
    } catch (err) {
      if (err instanceof DecpExportError) return page(reply.code(409), 'message', { title: 'Export impossible', text: err.message, tone: 'warning' }, viewer);
      throw err;
    }
  }));
}
