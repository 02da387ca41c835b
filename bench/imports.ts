/**
 * Imports of the purchase programme (issue 17): a generated CSV of N rows (a French Excel export), its dry run (read,
 * checked, compared with the database) and its apply step (read and compared again, then `contract.registered` events
 * produced through `ingestEvents` to a fresh topic that no consumer reads: the import's path, not the workflows'),
 * beside their floors: plain csv-parse streaming of the same file, and csv-parse plus a bare kafkajs producer.
 * Each size runs in its own Node process (with --expose-gc), so the memory sampled during its import is its own.
 * With no consumer, the database stays as it was: every round of a size does the same work (every row to create).
 */
import { execFile } from 'node:child_process';
import { createReadStream, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import type { Producer } from 'kafkajs';
import { POLICIES_DIR, readPolicy } from '../activities/policy';
import { runImport, type ImportOptions } from '../imports/run';
import { loadConfig, type Config } from '../lib/config';
import { createDb, type Db } from '../lib/db';
import { createKafka, ensureTopics, producerOptions, topicSizing, topics } from '../lib/kafka';
import { createLogger } from '../lib/logger';

const SELF = fileURLToPath(import.meta.url);
const MiB = 2 ** 20;
const BATCH = 250; // as the import's own batches

const HEADER = 'Référence;Objet;Nature;Code CPV;Montant estimé (HT);Procédure;Lots;Durée (mois);Date prévisionnelle d’attribution;Récurrent;Service acheteur;Acheteur (nom);Acheteur (courriel)';

/** `rows` valid programme rows, as the integration test writes them: BOM, ';', CRLF, French numbers and dates. */
export function programmeCsv(ref: string, rows: number): string {
  const lines = [HEADER];
  for (let n = 1; n <= rows; n++) {
    lines.push([`${ref}-${n}`, `Nettoyage du site n°${n}`, 'Services', '90910000', `${n} 250,50`, n % 2 ? 'MAPA' : 'Appel d’offres ouvert', '0', '36',
      `15/${String((n % 12) + 1).padStart(2, '0')}/2029`, n % 3 ? 'Non' : 'Oui', 'Bâtiments', 'Camille Martin', 'camille.martin@clermont.test'].join(';'));
  }
  return `\uFEFF${lines.join('\r\n')}`;
}

export interface Memory {
  startRssMiB: number;
  peakRssMiB: number;
  startHeapMiB: number;
  peakHeapMiB: number;
  /** Heap used after a full GC at the end: what the import kept. */
  endHeapMiB: number;
}

export interface SizeRun {
  rows: number;
  /** Times measured; each rate is the best of them. */
  rounds: number;
  dryRun: { rowsPerS: number; seconds: number };
  apply: { rowsPerS: number; seconds: number };
  floor: { csvRowsPerS: number; kafkaRowsPerS: number };
  /**
   * The whole import, dry run then apply: `asRun` sampled while the rates are measured, its peaks over the rounds
   * (V8 lets garbage pile up before collecting it, so they grow with the work done); `live`, the same import again
   * with a full GC before each sample, so its heap is what the import holds at once.
   */
  memory: { asRun: Memory; live: Memory };
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

/** Runs `fn` with process.memoryUsage sampled every `everyMs`, after a full GC each time if `collect`. */
async function sampled<T>(fn: () => Promise<T>, { everyMs = 5, collect = false } = {}): Promise<{ value: T; memory: Memory }> {
  gc();
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sample = () => {
    if (collect) gc();
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, everyMs);
  try {
    const value = await fn();
    sample();
    gc();
    const memory = { startRssMiB: mib(start.rss), peakRssMiB: mib(peakRss), startHeapMiB: mib(start.heapUsed), peakHeapMiB: mib(peakHeap), endHeapMiB: mib(process.memoryUsage().heapUsed) };
    return { value, memory };
  } finally {
    clearInterval(timer);
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** The floor: the file's records through csv-parse alone, each handed to `each` in batches (the header skipped). */
async function plainCsv(file: string, each: (batch: string[][]) => Promise<void> = async () => {}): Promise<number> {
  let rows = 0;
  const batch: string[][] = [];
  for await (const record of createReadStream(file).pipe(parse({ delimiter: ';', bom: true, from_line: 2 })) as AsyncIterable<string[]>) {
    rows++;
    batch.push(record);
    if (batch.length >= BATCH) await each(batch.splice(0));
  }
  if (batch.length) await each(batch);
  return rows;
}

/**
 * One size, in this (child) process: `rounds` rounds of the floors and the import (dry run, then applied), the best
 * time of each kept (the machine may be shared), memory sampled during each import; then the import once more for its
 * live heap.
 */
async function measureSize(file: string, rows: number, databaseUrl: string, topic: string, floorTopic: string, rounds = 3): Promise<SizeRun> {
  const config = loadConfig();
  const db = createDb(databaseUrl);
  const producer = createKafka(config.kafka, createLogger('bench', 'warn')).producer(producerOptions);
  await producer.connect();
  const toKafka = (batch: string[][]) => producer.send({ topic: floorTopic, messages: batch.map((r) => ({ key: r[0], value: r.join(';') })) }).then(() => {});
  try {
    const best = { csv: Infinity, kafka: Infinity, dry: Infinity, apply: Infinity };
    const memories: Memory[] = [];
    for (let round = 0; round < rounds; round++) {
      const csv = await timed(() => plainCsv(file));
      const kafka = await timed(() => plainCsv(file, toKafka));
      if (csv.value !== rows || kafka.value !== rows) throw new Error(`plancher : ${csv.value} et ${kafka.value} lignes lues sur ${rows}`);
      const { value: imported, memory } = await sampled(() => importTwice(db, producer, topic, file, rows));
      memories.push(memory);
      const times = { csv: csv.seconds, kafka: kafka.seconds, ...imported };
      for (const k of Object.keys(best) as (keyof typeof best)[]) best[k] = Math.min(best[k], times[k]);
    }
    const { memory: live } = await sampled(() => importTwice(db, producer, topic, file, rows), { everyMs: 50, collect: true });
    return {
      rows, rounds, dryRun: rate(rows, best.dry), apply: rate(rows, best.apply), floor: { csvRowsPerS: rows / best.csv, kafkaRowsPerS: rows / best.kafka },
      memory: { asRun: { ...memories[0]!, peakRssMiB: Math.max(...memories.map((m) => m.peakRssMiB)), peakHeapMiB: Math.max(...memories.map((m) => m.peakHeapMiB)) }, live },
    };
  } finally {
    await producer.disconnect();
    await db.$disconnect();
  }
}

const rate = (rows: number, seconds: number) => ({ rowsPerS: rows / seconds, seconds });

/** The dry run, then the apply step (which reads and compares the file again before producing): each must take every row. */
async function importTwice(db: Db, producer: Producer, topic: string, file: string, rows: number) {
  const options: ImportOptions = {
    kind: 'programmation', open: () => createReadStream(file), format: 'csv', policy: await readPolicy(POLICIES_DIR, 'clermont'), actor: 'bench', apply: false,
  };
  const deps = { db, producer, contractEventsTopic: topic };
  const dry = await timed(() => runImport(deps, options, () => {}));
  const apply = await timed(() => runImport(deps, { ...options, apply: true }, () => {}));
  for (const { value } of [dry, apply]) {
    if (value.counts.create !== rows || value.held) throw new Error(`import incomplet : ${JSON.stringify(value)}`);
  }
  if (!apply.value.applied) throw new Error('import non appliqué');
  return { dry: dry.seconds, apply: apply.seconds };
}

/** Writes the file for `rows`, runs its measure in a fresh Node process, and returns what it printed. */
function runSize(rows: number, databaseUrl: string, topic: string, floorTopic: string, run: string): Promise<SizeRun> {
  const file = join(tmpdir(), `bench-imports-${run}-${rows}.csv`);
  writeFileSync(file, programmeCsv(`B${run}-${rows}`, rows));
  return new Promise<SizeRun>((done, fail) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, file, String(rows), databaseUrl, topic, floorTopic], { env: { ...process.env, LOG_LEVEL: 'warn' }, maxBuffer: 16 * MiB },
      (err, stdout, stderr) => {
        rmSync(file, { force: true });
        if (err) return fail(new Error(`mesure de l’import (${rows} lignes) : ${stderr || err.message}`));
        done(JSON.parse(stdout.trim().split('\n').at(-1)!) as SizeRun);
      });
  });
}

/** Each size (the largest last), on a fresh topic prefix: no consumer runs, the events stay in Kafka. */
export async function benchImports(config: Config, databaseUrl: string, { sizes = [1000, 10_000] } = {}) {
  const run = Date.now().toString(36);
  const topic = topics(`bench.imports.${run}.`).contractEvents;
  const floorTopic = `${topic}.plancher`;
  await ensureTopics(createKafka(config.kafka, createLogger('bench', 'warn')), [topic, floorTopic], topicSizing(config.kafka));
  const runs: SizeRun[] = [];
  for (const rows of sizes) runs.push(await runSize(rows, databaseUrl, topic, floorTopic, run));
  return { topic, sizes: runs };
}

if (process.argv[1] && resolve(process.argv[1]) === SELF) {
  const [file, rows, databaseUrl, topic, floorTopic] = process.argv.slice(2) as [string, string, string, string, string];
  console.log(JSON.stringify(await measureSize(file, Number(rows), databaseUrl, topic, floorTopic)));
}
