/** CSV for spreadsheets used in France: semicolon separated, UTF-8 with a BOM so Excel reads the accents. */
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';

export function sendCsv(reply: FastifyReply, filename: string, columns: Record<string, string>, rows: object[]): FastifyReply {
  const body = stringify(rows, { header: true, delimiter: ';', columns: Object.entries(columns).map(([key, header]) => ({ key, header })), bom: true,
    cast: { date: (d) => d.toISOString(), boolean: (b) => (b ? 'oui' : 'non'), object: (o) => JSON.stringify(o) } });
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(body);
}

export const CONTRACT_COLUMNS = {
  id: 'marché', collectivityId: 'collectivité', object: 'objet', buyingService: 'service', buyerEmail: 'acheteur', phase: 'étape',
  status: 'statut', estimatedAmountHt: 'montant estimé HT', awardedAmountHt: 'montant attribué HT', plannedAwardDate: 'attribution prévue',
  openTasks: 'tâches ouvertes', overdueTasks: 'tâches en retard',
};

export const TRAIL_COLUMNS = { at: 'date', source: 'source', actor: 'qui', action: 'action', summary: 'détail' };
