/** The policy pages: managers read the policy, its versions and their differences; administrators publish one. */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../lib/db';
import { latestPolicy } from '../../reports/policy-of';
import type { Viewer } from '../access';
import { publishVersion, versionDiff, versions, type PolicyProblem } from '../admin/policy-versions';
import { pageViewer } from '../auth/plugin';
import { page } from '../render';

const MAX_POLICY_BYTES = 256 * 1024;

export function policyRoutes(app: FastifyInstance, db: Db): void {
  void app.register(multipart, { limits: { fileSize: MAX_POLICY_BYTES, files: 1 } });

  const show = async (reply: FastifyReply, viewer: Viewer, extra: { problems?: PolicyProblem[]; published?: string; compare?: { from: string; to: string } } = {}) => {
    const [policy, list] = await Promise.all([latestPolicy(db, viewer.collectivityId), versions(db, viewer.collectivityId)]);
    const compare = extra.compare ?? (list.length > 1 ? { from: list[1]!.version, to: list[0]!.version } : undefined);
    const changes = compare ? await versionDiff(db, viewer.collectivityId, compare.from, compare.to) : undefined;
    return page(reply, 'policy', { title: 'Politique d’achat', policy, versions: list, compare, changes, ...extra }, viewer);
  };

  app.get<{ Querystring: { de?: string; a?: string } }>('/politique', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    if (viewer.role !== 'manager') return page(reply.code(403), 'message', { title: 'Accès refusé', text: 'La politique se consulte ici par les responsables de la collectivité.', tone: 'warning' }, viewer);
    const { de, a } = req.query;
    return show(reply, viewer, de && a ? { compare: { from: de, to: a } } : {});
  });

  app.post('/politique', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    if (!viewer.admin) return page(reply.code(403), 'message', { title: 'Accès refusé', text: 'Seuls les administrateurs de la collectivité publient une politique.', tone: 'warning' }, viewer);
    const file = req.isMultipart() ? await req.file() : undefined;
    const text = file ? (await file.toBuffer()).toString('utf8') : '';
    if (!text.trim()) return show(reply.code(400), viewer, { problems: [{ field: 'fichier', message: 'choisissez le fichier YAML de la nouvelle version' }] });
    const result = await publishVersion(db, viewer, text);
    if ('problems' in result) return show(reply.code(400), viewer, { problems: result.problems });
    return show(reply.code(201), viewer, { published: `Version ${result.policy.version} publiée : elle s’applique au prochain cycle de chaque contrat, à partir du ${result.policy.validFrom}.` });
  });
}
