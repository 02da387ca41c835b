/** `npm run bench`: the product's costs on the real stack, each beside its floor; prints a table and writes JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Command } from 'commander';
import { freshBenchDatabase } from './db';
import { benchReport } from './report';

const program = new Command('bench')
  .option('--only <parts>', 'report (comma-separated)', 'report')
  .option('--out <dir>', 'where the JSON goes', 'bench/results')
  .parse();
const { only, out } = program.opts<{ only: string; out: string }>();
const parts = new Set(only.split(','));

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
const results: Record<string, unknown> = { at: new Date().toISOString(), machine };
const rows: { mesure: string; produit: string; plancher: string; rapport: string; cible: string }[] = [];

if (parts.has('report')) {
  const r = await benchReport(await freshBenchDatabase());
  results.report = r;
  rows.push({
    mesure: `bilan annuel, ${r.events.toLocaleString('fr-FR')} événements`,
    produit: `${r.report.medianMs.toFixed(0)} ms`, plancher: `${r.floor.medianMs.toFixed(0)} ms (agrégat SQL simple)`,
    rapport: `${r.ratio.toFixed(2)}×`, cible: '≤ 1,5× et < 2 s',
  });
}

console.table(rows);
mkdirSync(out, { recursive: true });
const file = `${out}/bench-${results.at as string}.json`.replace(/:/g, '-');
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`Résultats : ${file}`);
