/** The files the pages load, read once: served under /static, and inlined into the PDF report. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { appPath } from '../lib/paths';

const require = createRequire(import.meta.url);
const local = (name: string) => readFileSync(appPath('web', 'public', name), 'utf8');

export const ASSETS = {
  style: local('style.css'),
  report: local('report.js'),
  // The UMD build is not in chart.js's exports map: found beside its main entry.
  chart: readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8'),
};

export function assetRoutes(app: FastifyInstance): void {
  const serve = (path: string, type: string, body: string, maxAge: number) =>
    app.get(path, async (_req, reply) => reply.type(type).header('cache-control', `public, max-age=${maxAge}`).send(body));
  serve('/static/style.css', 'text/css', ASSETS.style, 3600);
  serve('/static/report.js', 'text/javascript', ASSETS.report, 3600);
  serve('/static/chart.umd.js', 'text/javascript', ASSETS.chart, 86_400);
}
