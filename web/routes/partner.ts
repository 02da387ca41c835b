/** The insertion facilitator's space: its contracts with an insertion clause, the hours to report, a yearly summary. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../lib/db';
import type { Viewer } from '../access';
import { pageViewer } from '../auth/plugin';
import { sendCsv, type CsvColumns } from '../csv';
import { hoursSummary, insertionContracts, type HoursRow } from '../partner/insertion';
import { page } from '../render';

const HOURS_COLUMNS: CsvColumns<HoursRow> = {
  contractId: ['contrat', 'text'], object: ['objet', 'text'], contractor: ['titulaire', 'text'], executionYear: ['année d’exécution', 'text'],
  year: ['année (indicateur)', 'number'], plannedHours: ['heures prévues', 'number'], hours: ['heures réalisées', 'number'],
  reportedBy: ['déclarées par', 'text'], reportedAt: ['le', 'datetime'],
};

export function partnerRoutes(app: FastifyInstance, db: Db): void {
  const asPartner = (handler: (req: FastifyRequest, reply: FastifyReply, viewer: Viewer) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    if (viewer.role !== 'partner') return page(reply.code(403), 'message', { title: 'Accès refusé', text: 'Cet espace est celui des partenaires de l’insertion.', tone: 'warning' }, viewer);
    return handler(req, reply, viewer);
  };

  app.get('/partenaire', asPartner(async (_req, reply, viewer) => {
    const contracts = await insertionContracts(db, viewer);
    return page(reply, 'partner', { title: 'Heures d’insertion', contracts }, viewer);
  }));

  app.get('/partenaire/heures.csv', asPartner(async (_req, reply, viewer) =>
    sendCsv(reply, 'heures-insertion.csv', HOURS_COLUMNS, hoursSummary(await insertionContracts(db, viewer)))));
}
