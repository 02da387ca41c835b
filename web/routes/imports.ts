/**
 * Imports in the administration (issue 17): an administrator uploads a file, reads the dry run's report row by row,
 * then applies it. The file waits on disk between the two steps, bound to its administrator and collectivity, and is
 * read streamed both times (imports/run.ts).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventProducer } from '../../lib/kafka-producer';
import type { Db } from '../../lib/db';
import { ImportFileError } from '../../imports/cells';
import { OUTCOME_LABELS, issuesText, summaryText } from '../../imports/report';
import { IMPORT_KINDS, importFormat, runImport, type ImportKind, type ImportLine, type ImportOptions } from '../../imports/run';
import { latestPolicy } from '../../reports/policy-of';
import type { Viewer } from '../access';
import { pageViewer } from '../auth/plugin';
import { page } from '../render';

const DIR = join(tmpdir(), 'spaser-imports');
const MAX_BYTES = 50 * 1024 * 1024;
/** Rows shown on the page (all counted): the refused ones first. */
const SHOWN = 1000;
const KEPT_MS = 24 * 3600_000;
const KIND_LABELS: Record<ImportKind, string> = {
  programmation: 'Programmation des achats (CSV ou XLSX)', decp: 'Contrats notifiés, DECP (JSON, format 2.0.3)', personnes: 'Personnes (CSV ou XLSX)',
};

/** What the apply step needs to know of an upload: whose it is and how it was checked. */
interface Upload {
  adminId: string;
  collectivityId: string;
  kind: ImportKind;
  format: 'csv' | 'xlsx' | 'json';
  name: string;
  anyBuyer: boolean;
  buyerEmail?: string;
  buyingService?: string;
}

type Fields = Record<string, string>;

export function importRoutes(app: FastifyInstance, db: Db, producer: EventProducer, contractEventsTopic: string): void {
  const asAdmin = (handler: (req: FastifyRequest, reply: FastifyReply, viewer: Viewer) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    if (!viewer.admin) return page(reply.code(403), 'message', { title: 'Accès refusé', text: 'Les imports sont réservés aux administrateurs de la collectivité.', tone: 'warning' }, viewer);
    return handler(req, reply, viewer);
  };

  const show = async (reply: FastifyReply, viewer: Viewer, extra: Record<string, unknown> = {}) =>
    page(reply, 'imports', {
      title: 'Importer', kinds: IMPORT_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })), values: {}, errors: {},
      buyers: await db.user.findMany({ where: { collectivityId: viewer.collectivityId, role: { in: ['buyer', 'manager'] }, deactivatedAt: null }, orderBy: { name: 'asc' }, select: { email: true, name: true } }),
      outcomeLabels: OUTCOME_LABELS, issuesText, ...extra,
    }, viewer);

  app.get('/administration/imports', asAdmin((_req, reply, viewer) => show(reply, viewer)));

  /** The upload and its dry run. */
  app.post('/administration/imports', asAdmin(async (req, reply, viewer) => {
    await forgetOldUploads();
    const id = randomUUID();
    const fields: Fields = {};
    let name = '';
    if (req.isMultipart()) {
      for await (const part of req.parts({ limits: { fileSize: MAX_BYTES, files: 1 } })) {
        if (part.type === 'field') fields[part.fieldname] = String(part.value);
        else if (part.filename) {
          name = part.filename;
          await mkdir(DIR, { recursive: true });
          await pipeline(part.file, createWriteStream(join(DIR, id)));
          if (part.file.truncated) return refuse(reply, viewer, fields, { fichier: `fichier trop volumineux (au plus ${MAX_BYTES / 1024 / 1024} Mo)` }, id);
        } else part.file.resume();
      }
    }
    const errors: Record<string, string> = {};
    const kind = fields.type as ImportKind;
    if (!IMPORT_KINDS.includes(kind)) errors.type = 'choisissez ce que contient le fichier';
    const format = importFormat(name, kind);
    if (!name) errors.fichier = 'choisissez le fichier à importer';
    else if (!format) errors.fichier = `format non pris en charge : ${kind === 'decp' ? 'un fichier .json' : 'un fichier .csv ou .xlsx'}`;
    if (fields.acheteur && !(await db.user.findFirst({ where: { email: fields.acheteur, collectivityId: viewer.collectivityId } }))) errors.acheteur = 'personne inconnue de votre collectivité';
    if (Object.keys(errors).length) return refuse(reply, viewer, fields, errors, id);
    const upload: Upload = {
      adminId: viewer.id, collectivityId: viewer.collectivityId, kind, format: format!, name, anyBuyer: fields.toutAcheteur === 'oui',
      buyerEmail: fields.acheteur || undefined, buyingService: fields.service?.trim() || undefined,
    };
    await writeFile(join(DIR, `${id}.json`), JSON.stringify(upload));
    return report(reply, viewer, id, upload, false, false);
  }));

  /** The apply step, on the file the dry run read. */
  app.post<{ Params: { id: string }; Body: Fields }>('/administration/imports/:id/application', asAdmin(async (req, reply, viewer) => {
    const { id } = req.params as { id: string };
    const upload = /^[0-9a-f-]{36}$/.test(id) ? await readFile(join(DIR, `${id}.json`), 'utf8').then((t) => JSON.parse(t) as Upload).catch(() => undefined) : undefined;
    // Another administrator's upload, or another collectivity's, is not found, as everywhere.
    if (!upload || upload.adminId !== viewer.id || upload.collectivityId !== viewer.collectivityId) {
      return page(reply.code(404), 'message', { title: 'Introuvable', text: 'Cet import n’existe plus : déposez le fichier à nouveau.', tone: 'warning', next: { href: '/administration/imports', label: 'Importer un fichier' } }, viewer);
    }
    const body = (req.body ?? {}) as Fields;
    return report(reply, viewer, id, upload, true, body.lignesValides === 'oui');
  }));

  async function report(reply: FastifyReply, viewer: Viewer, id: string, upload: Upload, apply: boolean, goodRowsOnly: boolean) {
    const policy = await latestPolicy(db, viewer.collectivityId);
    if (!policy) throw new Error(`politique introuvable : ${viewer.collectivityId}`);
    const buyer = upload.buyerEmail ? await db.user.findUnique({ where: { email: upload.buyerEmail }, select: { name: true, email: true } }) : undefined;
    const options: ImportOptions = {
      kind: upload.kind, open: () => createReadStream(join(DIR, id)), format: upload.format, policy, actor: viewer.email, apply, goodRowsOnly,
      anyBuyer: upload.anyBuyer, buyer: buyer ?? { name: viewer.name, email: viewer.email }, buyingService: upload.buyingService,
    };
    const refused: ImportLine[] = [];
    const others: ImportLine[] = [];
    try {
      const summary = await runImport({ db, producer, contractEventsTopic }, options, (line) => {
        const list = line.outcome === 'refuse' ? refused : others;
        if (refused.length + others.length < SHOWN && line.outcome !== 'same') list.push(line);
      });
      if (summary.applied) await forget(id);
      const lines = [...refused, ...others];
      return show(reply.code(summary.held ? 409 : 200), viewer, {
        upload: { id, ...upload, kindLabel: KIND_LABELS[upload.kind] }, summary, summaryText: summaryText(summary), lines,
        hidden: summary.counts.create + summary.counts.change + summary.counts.refuse - lines.length,
      });
    } catch (err) {
      if (!(err instanceof ImportFileError)) throw err;
      await forget(id);
      return refuse(reply, viewer, {}, { fichier: err.message });
    }
  }

  async function refuse(reply: FastifyReply, viewer: Viewer, values: Fields, errors: Record<string, string>, id?: string) {
    if (id) await forget(id);
    return show(reply.code(400), viewer, { values, errors });
  }
}

async function forget(id: string): Promise<void> {
  await Promise.all([rm(join(DIR, id), { force: true }), rm(join(DIR, `${id}.json`), { force: true })]);
}

/** An upload nobody applied is dropped after a day. */
async function forgetOldUploads(): Promise<void> {
  const names = await readdir(DIR).catch(() => [] as string[]);
  const now = Date.now();
  await Promise.all(names.map(async (n) => {
    const s = await stat(join(DIR, n)).catch(() => undefined);
    if (s && now - s.mtimeMs > KEPT_MS) await rm(join(DIR, n), { force: true });
  }));
}
