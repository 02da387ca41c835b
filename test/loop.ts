/**
 * `npm run test:loop -- [--runs N] [paths…]`: runs the given test files (default: test/workflows) N times in a row,
 * each run as CI runs them (one vitest run, files in parallel), and prints per file "N passed, M failed". A failing
 * run's output is kept under .stack/loop/ for its evidence.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '30' } }, allowPositionals: true });
const runs = Number(values.runs);
const paths = positionals.length ? positionals : ['test/workflows'];
const dir = '.stack/loop';
mkdirSync(dir, { recursive: true });

interface JsonReport {
  testResults: { name: string; status: 'passed' | 'failed' }[];
}

const tally = new Map<string, { passed: number; failed: number }>();
for (let run = 1; run <= runs; run++) {
  const report = `${dir}/run-${run}.json`;
  const { code, output } = await vitest([...paths, '--reporter=json', `--outputFile=${report}`]);
  let files: JsonReport['testResults'] = [];
  try {
    files = (JSON.parse(readFileSync(report, 'utf8')) as JsonReport).testResults;
  } catch {
    /* no report: the run failed before its tests */
  }
  if (code !== 0) writeFileSync(`${dir}/run-${run}.log`, output);
  if (!files.length) tally.set('(run)', bump(tally.get('(run)'), false));
  for (const f of files) tally.set(relative(process.cwd(), f.name), bump(tally.get(relative(process.cwd(), f.name)), f.status === 'passed'));
  const failed = files.filter((f) => f.status !== 'passed').map((f) => relative(process.cwd(), f.name));
  console.log(`run ${run}/${runs}: ${code === 0 ? 'green' : `red (${failed.join(', ') || 'before its tests'}), output in ${dir}/run-${run}.log`}`);
}

console.log('');
for (const [file, t] of [...tally].sort()) console.log(`${file}: ${t.passed} passed, ${t.failed} failed`);
const failedRuns = [...tally.values()].reduce((n, t) => n + t.failed, 0);
process.exitCode = failedRuns ? 1 : 0;

function bump(t: { passed: number; failed: number } | undefined, ok: boolean) {
  const next = t ?? { passed: 0, failed: 0 };
  return ok ? { ...next, passed: next.passed + 1 } : { ...next, failed: next.failed + 1 };
}

function vitest(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
