/** `npm run bench`: the product's costs on the real stack, each beside its floor; prints a table and writes JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { freshBenchDatabase } from './db';
import { benchHistory } from './history';
import { benchImports, type SizeRun } from './imports';
import { benchKafka } from './kafka';
import { benchLifecycles, type LifecycleRun } from './lifecycles';
import { benchMemory } from './memory';
import { benchPages } from './pages';
import { readProfiles, summariseProfiles } from './profile';
import { benchReport } from './report';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../lib/config';
import { temporalEngine, type TemporalEngine as Engine } from '../stack/services';
import { benchCluster } from './cluster';
import { benchTemporal } from './temporal';

const program = new Command('bench')
  .option('--only <parts>', 'lifecycles,history,report,kafka,memory,imports,pages (comma-separated)', 'lifecycles,history,report,kafka,memory,imports,pages')
  .option('--sizes <counts>', 'portfolio sizes of the lifecycle measure', '100,1000')
  .option('--two-workers <count>', 'portfolio size of the two-worker measure', '200')
  .option('--kafka-rates <rates>', 'event rates of the Kafka latency measure, per second', '200,150')
  .option('--open <counts>', 'open workflows at each step of the memory measure', '10000,50000')
  .option('--arenas <count>', 'MALLOC_ARENA_MAX of the memory measure\'s worker (0: glibc\'s default)', '2')
  .option('--cached <count>', 'sticky cache of the memory measure\'s worker (default: WORKER_MAX_CACHED_WORKFLOWS)')
  .option('--import-rows <count>', 'rows of the programme file of the import measure (its memory is compared with a tenth of it)', '10000')
  .option('--pages-contracts <count>', 'contracts of the pages measure', '10000')
  .option('--pages-tasks <count>', 'tasks of the pages measure', '100000')
  .option('--pages-seconds <s>', 'seconds of load on each page of the pages measure (after 2 s of warm-up)', '10')
  .option('--temporal <engines>', 'Temporal engines of the lifecycle and Kafka measures: dev (the stack\'s dev server), cluster (two server nodes on PostgreSQL, started for them)', 'dev,cluster')
  .option('--cluster-sizes <counts>', 'portfolio sizes of the lifecycle measure on the cluster (default: --sizes)')
  .option('--out <dir>', 'where the JSON goes', 'bench/results')
  .option('--cpu-prof <dir>', 'CPU profiles of the product workers of the lifecycle measure and of the pages servers, summarised at the end')
  .parse();
const { only, out, sizes, twoWorkers, kafkaRates, open, arenas, cached, importRows, cpuProf, temporal: engineList, clusterSizes } = program.opts<{
  only: string; out: string; sizes: string; twoWorkers: string; kafkaRates: string; open: string; arenas: string; cached?: string; importRows: string; cpuProf?: string;
  temporal: string; clusterSizes?: string;
}>();
const parts = new Set(only.split(','));
const engines = engineList.split(',') as Engine[];

const say = (line: string) => console.log(line);
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
const results: Record<string, unknown> = { at: new Date().toISOString(), machine };
const rows: { mesure: string; produit: string; plancher: string; rapport: string; cible: string }[] = [];
mkdirSync(out, { recursive: true });
const file = `${out}/bench-${results.at as string}.json`.replace(/:/g, '-');
/**
 * Runs a measure on one Temporal engine: the stack's (whichever it runs), or a cluster started for it and stopped
 * after. `tag` goes after the row's name.
 */
async function onEngine(engine: Engine, measure: (config: Config, temporal: Client, tag: string) => Promise<void>): Promise<void> {
  const base = loadConfig();
  const cluster = engine === 'cluster' ? await benchCluster(base, say) : undefined;
  const config = cluster?.config ?? base;
  const temporal = await benchTemporal(config);
  const tag = cluster ? ' — grappe Temporal (2 nœuds, PostgreSQL)' : temporalEngine(base) === 'cluster' ? ' — grappe Temporal de la pile' : ' — serveur de dev (SQLite)';
  try {
    await measure(config, temporal, tag);
  } finally {
    await temporal.connection.close();
    await cluster?.down();
  }
}

/** Written after each part, so a long run stopped halfway keeps what it measured. */
const save = () => writeFileSync(file, JSON.stringify({ ...results, rows }, null, 2));

for (const engine of parts.has('lifecycles') ? engines : []) {
  await onEngine(engine, async (config, temporal, tag) => {
    const counts = (engine === 'cluster' && clusterSizes ? clusterSizes : sizes).split(',').map(Number);
    say(`Cycles de vie complets${tag}…`);
    const l = await benchLifecycles({ config, temporal, databaseUrl: await freshBenchDatabase(), say, cpuProfileDir: cpuProf && join(cpuProf, engine) }, { sizes: counts, twoWorkersAt: Number(twoWorkers) });
    results[engine === 'dev' ? 'lifecycles' : `lifecycles-${engine}`] = l;
    const cpu = (r: LifecycleRun) => `${r.workflowTasksPerS.toFixed(0)} tâches workflow/s · CPU ${r.workerCpuCores.toFixed(2)} cœur, ${r.workerCpuSecondsPerLifecycle.toFixed(2)} s par cycle · RSS ${r.workerPeakRssMiB.join(' + ')} Mio`;
    for (const { contracts, product, floor, ratio } of l.sizes) {
      rows.push({
        mesure: `cycles de vie complets, ${contracts.toLocaleString('fr-FR')} contrats${tag}`,
        produit: `${product.lifecyclesPerS.toFixed(1)} /s (${cpu(product)})`, plancher: `${floor.lifecyclesPerS.toFixed(1)} /s (${cpu(floor)})`,
        rapport: `${ratio.toFixed(2)}×`, cible: '≥ 0,8× ; ≤ 0,5 s CPU par cycle',
      });
    }
    if (cpuProf) {
      for (const { contracts } of l.sizes) {
        for (const who of ['product', 'floor']) {
          const summary = summariseProfiles(readProfiles([join(cpuProf, engine, `${who}-${contracts}`)]));
          results[`profile-${engine}-${who}-${contracts}`] = summary;
          say(`Profil CPU du worker (${who === 'product' ? 'produit' : 'plancher'}), ${contracts} contrats${tag} (${(summary.totalMs / 1000).toFixed(1)} s échantillonnées, temps propre) :`);
          console.table(summary.byPlace);
          console.table(summary.byFunction);
        }
      }
    }
    const two = l.twoWorkers;
    const one = l.oneWorker;
    rows.push({
      mesure: `deux workers sur une file, ${two.contracts.toLocaleString('fr-FR')} contrats${tag}`,
      produit: `${two.lifecyclesPerS.toFixed(1)} /s (parts ${two.shares.map((s) => `${Math.round(s * 100)} %`).join(' / ')} · CPU ${two.workerCpuCores.toFixed(2)} cœur)`,
      plancher: `${one.lifecyclesPerS.toFixed(1)} /s (un worker · CPU ${one.workerCpuCores.toFixed(2)} cœur)`,
      rapport: `${(two.lifecyclesPerS / one.lifecyclesPerS).toFixed(2)}×`, cible: 'charge partagée',
    });
  });
  save();
}

save();
if (parts.has('history')) {
  const config = loadConfig();
  const temporal = await benchTemporal(config);
  try {
    say('Historique d’un contrat de quatre ans…');
    const h = await benchHistory({ config, temporal, databaseUrl: await freshBenchDatabase() });
    results.history = h;
    rows.push({
      mesure: `historique d’un contrat de ${h.years} ans (${h.runs.length} exécutions)`,
      produit: `${h.totalEvents} événements, ${(h.totalBytes / 1024).toFixed(0)} Kio ; la plus longue : ${Math.max(...h.runs.map((r) => r.events))} événements, ${(Math.max(...h.runs.map((r) => r.bytes)) / 1024).toFixed(0)} Kio`,
      plancher: '—', rapport: '—', cible: 'rapportée',
    });
    rows.push({
      mesure: `rejeu de la plus longue exécution (${h.replayMs.events} événements, ${h.replayMs.replays} fois)`,
      produit: `p50 ${h.replayMs.p50} ms, p95 ${h.replayMs.p95} ms, max ${h.replayMs.max} ms`, plancher: '—', rapport: '—', cible: 'p95 < 50 ms',
    });
  } finally {
    await temporal.connection.close();
  }
}

save();
if (parts.has('report')) {
  say('Bilan annuel…');
  const r = await benchReport(await freshBenchDatabase());
  results.report = r;
  rows.push({
    mesure: `bilan annuel, ${r.events.toLocaleString('fr-FR')} événements (${r.rounds.length} séries, médianes)`,
    produit: `${r.report.medianMs.toFixed(0)} ms`, plancher: `${r.floor.medianMs.toFixed(0)} ms (agrégat SQL simple)`,
    rapport: `${r.ratio.toFixed(2)}× (séries : ${r.ratios.map((x) => x.toFixed(2)).join(' · ')} ; écart ${r.spread.toFixed(2)})`, cible: '≤ 1,3× à chaque série',
  });
}

save();
for (const engine of parts.has('kafka') ? engines : []) {
  await onEngine(engine, async (config, temporal, tag) => {
    say(`Événements Kafka${tag}…`);
    const k = await benchKafka(config, temporal, { rates: kafkaRates.split(',').map(Number) });
    results[engine === 'dev' ? 'kafka' : `kafka-${engine}`] = k;
    const ms = (p: { p50: number; p99: number }) => `p50 ${p.p50} ms · p99 ${p.p99} ms`;
    for (const { rate, product, floor } of k.atRate) {
      rows.push({
        mesure: `événement Kafka → accepté par Temporal, ${rate}/s pendant ${k.seconds} s${tag}`,
        produit: ms(product.latencies), plancher: `${ms(floor.latencies)} (kafkajs + signal-with-start nu)`,
        rapport: `${(product.latencies.p99 / floor.latencies.p99).toFixed(2)}× (p99)`, cible: 'p99 < 150 ms',
      });
    }
    rows.push({
      mesure: `débit maximal soutenu (${k.backlog} événements en attente)${tag}`,
      produit: `${k.max.product.perSecond.toFixed(0)} /s`, plancher: `${k.max.floor.perSecond.toFixed(0)} /s`,
      rapport: `${(k.max.product.perSecond / k.max.floor.perSecond).toFixed(2)}×`, cible: '—',
    });
  });
  save();
}

save();
if (parts.has('memory')) {
  const config = loadConfig();
  const temporal = await benchTemporal(config);
  try {
    say('Mémoire du worker…');
    const m = await benchMemory(await freshBenchDatabase(), temporal, {
      steps: open.split(',').map(Number), cachedWorkflows: Number(cached ?? config.temporal.maxCachedWorkflows), arenas: Number(arenas) || undefined,
    });
    results.memory = m;
    const first = m.steps[0]!;
    for (const step of m.steps) {
      const growth = step.steadyRssMiB - first.steadyRssMiB;
      rows.push({
        mesure: `mémoire du worker, ${step.open.toLocaleString('fr-FR')} contrats ouverts (${m.cachedWorkflows} en cache, MALLOC_ARENA_MAX ${m.arenas ?? 'par défaut'})`,
        produit: `${step.steadyRssMiB} Mio stable (pic ${step.peakRssMiB} Mio ; enregistrés en ${step.registeredInS} s)`,
        plancher: `${m.idleRssMiB} Mio (worker au repos)`,
        rapport: step === first ? '—' : `+${growth} Mio depuis ${first.open.toLocaleString('fr-FR')}`,
        cible: step === first ? '< 1 Gio' : '< +100 Mio',
      });
    }
  } finally {
    await temporal.connection.close();
  }
}

save();
if (parts.has('imports')) {
  say('Import de la programmation…');
  const large = Number(importRows);
  const small = Math.max(1, Math.round(large / 10));
  const i = await benchImports(loadConfig(), await freshBenchDatabase(), { sizes: [small, large] });
  results.imports = i;
  const [s, l] = i.sizes as [SizeRun, SizeRun];
  const n = l.rows.toLocaleString('fr-FR');
  const perS = (x: number) => `${Math.round(x).toLocaleString('fr-FR')} lignes/s`;
  // Flat memory: the import of 10,000 rows holds as much as that of 1,000 (live heap: sampled after a full GC).
  const liveGrowth = ({ memory: { live } }: SizeRun) => live.peakHeapMiB - live.startHeapMiB;
  const mem = (r: SizeRun) => `tas vivant +${liveGrowth(r).toFixed(1)} Mio (${Math.round(r.memory.live.peakHeapMiB)} Mio) · pic RSS ${Math.round(r.memory.asRun.peakRssMiB)} Mio (départ ${Math.round(r.memory.asRun.startRssMiB)})`;
  const ratio = (m: (r: SizeRun) => number) => (m(l) / m(s)).toFixed(2);
  rows.push({
    mesure: `import programmation, essai à blanc, ${n} lignes (lecture + comparaison à la base)`,
    produit: `${perS(l.dryRun.rowsPerS)} (${l.dryRun.seconds.toFixed(1)} s, meilleur de ${l.rounds})`, plancher: `${perS(l.floor.csvRowsPerS)} (csv-parse seul)`,
    rapport: `${(l.dryRun.rowsPerS / l.floor.csvRowsPerS).toFixed(2)}×`, cible: '—',
  });
  rows.push({
    mesure: `import programmation appliqué, ${n} lignes (relecture + événements Kafka)`,
    produit: `${perS(l.apply.rowsPerS)} (${l.apply.seconds.toFixed(1)} s, meilleur de ${l.rounds})`, plancher: `${perS(l.floor.kafkaRowsPerS)} (csv-parse + kafkajs nu)`,
    rapport: `${(l.apply.rowsPerS / l.floor.kafkaRowsPerS).toFixed(2)}×`, cible: '—',
  });
  rows.push({
    mesure: `mémoire de l’import, ${n} lignes (essai puis application)`,
    produit: mem(l), plancher: `${mem(s)} (${s.rows.toLocaleString('fr-FR')} lignes)`,
    rapport: `${ratio((r) => r.memory.live.peakHeapMiB)}× (tas vivant) · ${ratio((r) => r.memory.asRun.peakRssMiB)}× (RSS)`, cible: 'plate (≈ 1×)',
  });
}

save();
if (parts.has('pages')) {
  const config = loadConfig();
  const temporal = await benchTemporal(config);
  try {
    const { pagesContracts, pagesTasks, pagesSeconds } = program.opts<{ pagesContracts: string; pagesTasks: string; pagesSeconds: string }>();
    say('Pages à l’échelle…');
    const p = await benchPages({ config, temporal, databaseUrl: await freshBenchDatabase(), say, cpuProfileDir: cpuProf && join(cpuProf, 'pages') }, { contracts: Number(pagesContracts), tasks: Number(pagesTasks), seconds: Number(pagesSeconds) });
    results.pages = p;
    const { portfolio: data, fourYear } = p;
    rows.push({
      mesure: `pages : ${data.contracts.toLocaleString('fr-FR')} contrats, ${data.tasks.toLocaleString('fr-FR')} tâches (activité d’enregistrement)`,
      produit: `écrits en ${data.seconds.toFixed(0)} s (${data.transitionsPerS.toFixed(0)} transitions/s)`, plancher: '—',
      rapport: `boîtes de ${p.inbox.min} à ${p.inbox.max} tâches ouvertes`, cible: '—',
    });
    for (const r of p.pages) {
      const trail = r.path.startsWith(`/contrats/${fourYear.contractId}`) || r.path.includes('/historique');
      rows.push({
        mesure: `${r.page}, ${p.connections} personnes connectées${trail ? ` (${fourYear.auditEntries} décisions, ${fourYear.historyEvents} événements en ${fourYear.runs} exécutions)` : ''}`,
        produit: `p50 ${r.product.p50} ms · p95 ${r.product.p95} ms · p99 ${r.product.p99} ms · ${r.product.perS} req/s`,
        plancher: `p95 ${r.floor.p95} ms · ${r.floor.perS} req/s (une requête SQL)`,
        rapport: `${r.ratio.toFixed(2)}× (p95)`, cible: trail ? 'p95 < 300 ms' : 'p95 ≤ 2× plancher et < 100 ms',
      });
    }
    if (cpuProf) {
      const summary = summariseProfiles(readProfiles([join(cpuProf, 'pages')]));
      results['profile-pages'] = summary;
      say(`Profil CPU des serveurs des pages (produit et plancher dans un processus, ${(summary.totalMs / 1000).toFixed(1)} s échantillonnées, temps propre) :`);
      console.table(summary.byPlace);
      console.table(summary.byFunction);
    }
  } finally {
    await temporal.connection.close();
  }
}

console.table(rows);
save();
console.log(`Résultats : ${file}`);
