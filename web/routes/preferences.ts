/** "Mes préférences": each person chooses one mail per question (as before) or a Monday digest (issue 18). */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../lib/db';
import { pageViewer } from '../auth/plugin';
import { page } from '../render';

const CHOICES = { immediat: false, hebdomadaire: true } as const;

export function preferenceRoutes(app: FastifyInstance, db: Db): void {
  app.get('/preferences', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    const { mailDigest } = await db.user.findUniqueOrThrow({ where: { id: viewer.id }, select: { mailDigest: true } });
    return page(reply, 'preferences', { title: 'Mes préférences', mailDigest }, viewer);
  });

  app.post<{ Body: { courriels?: string } }>('/preferences', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    const choice = req.body?.courriels;
    if (choice !== 'immediat' && choice !== 'hebdomadaire') {
      const { mailDigest } = await db.user.findUniqueOrThrow({ where: { id: viewer.id }, select: { mailDigest: true } });
      return page(reply.code(400), 'preferences', { title: 'Mes préférences', mailDigest, error: 'choisissez comment recevoir vos questions' }, viewer);
    }
    // A person changes only their own preference: the row is the signed-in viewer's.
    await db.user.update({ where: { id: viewer.id }, data: { mailDigest: CHOICES[choice] } });
    return page(reply, 'preferences', { title: 'Mes préférences', mailDigest: CHOICES[choice], saved: true }, viewer);
  });
}
