/**
 * The link in a task mail: opens the task's form without a password. A tampered, expired or already used link gets a
 * page that says so and what to do, never an error.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../lib/db';
import type { TaskLinks } from '../../mail/links';
import { showAnswerForm, submitAnswerForm } from '../answer-form-page';
import type { FormBody } from '../forms/answer-form';
import { page } from '../render';

type Resolved = { ok: true; task: NonNullable<Awaited<ReturnType<typeof findTask>>>; email: string } | { ok: false };

const findTask = (db: Db, id: string) => db.task.findUnique({ where: { id }, include: { contract: true } });

export function answerLinkRoutes(app: FastifyInstance, db: Db, temporal: Client, links: TaskLinks): void {
  async function resolve(token: string, reply: FastifyReply): Promise<Resolved> {
    const check = await links.verify(token);
    if (!check.ok) {
      const expired = check.reason === 'expired';
      await page(reply.code(expired ? 410 : 400), 'message', {
        title: expired ? 'Lien expiré' : 'Lien invalide',
        text: expired
          ? 'Ce lien a expiré. Une relance vous apportera un nouveau lien ; vous pouvez aussi répondre depuis votre espace.'
          : 'Ce lien est incomplet ou a été modifié. Utilisez le lien reçu par mail, tel quel, ou répondez depuis votre espace.',
        tone: 'warning', next: { href: '/taches', label: 'Mon espace' },
      });
      return { ok: false };
    }
    const task = await findTask(db, check.claims.taskId);
    if (!task) {
      await page(reply.code(404), 'message', { title: 'Question introuvable', text: 'Cette question n’existe plus.', tone: 'warning' });
      return { ok: false };
    }
    if (task.status !== 'open') {
      const done = task.status === 'answered'
        ? `Cette question a déjà reçu une réponse${task.answeredBy ? ` de ${task.answeredBy}` : ''}. Ce lien ne sert plus.`
        : 'Cette question est close : le contrat a changé d’étape ou a pris fin. Ce lien ne sert plus.';
      await page(reply.code(410), 'message', { title: 'Lien déjà utilisé', text: done, tone: 'info' });
      return { ok: false };
    }
    return { ok: true, task, email: check.claims.email };
  }

  app.get<{ Params: { token: string } }>('/repondre/:token', async (req, reply) => {
    const r = await resolve(req.params.token, reply);
    if (!r.ok) return reply;
    return showAnswerForm(reply, r.task, { action: req.url, as: r.email });
  });

  app.post<{ Params: { token: string }; Body: FormBody }>('/repondre/:token', async (req, reply) => {
    const r = await resolve(req.params.token, reply);
    if (!r.ok) return reply;
    if (!(await submitAnswerForm(temporal, db, reply, r.task, req.body ?? {}, r.email, { action: req.url, as: r.email }))) return reply;
    return page(reply, 'message', { title: 'Réponse enregistrée', text: `Merci. Votre réponse à « ${r.task.title} » est transmise au suivi du marché « ${r.task.contract.object} ».`, tone: 'success' });
  });
}
