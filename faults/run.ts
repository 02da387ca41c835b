/** `npm run faults`: the fault suite, several runs in a row; exits non-zero when a check fails. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { runFaultSuite, type FaultReport } from './suite';

const program = new Command('faults')
  .option('--contracts <n>', 'contrats par passage', '300')
  .option('--poison <n>', 'messages empoisonnés par passage', '25')
  .option('--fault-every <s>', 'secondes entre deux pannes', '20')
  .option('--concurrency <n>', 'contrats menés en même temps', '40')
  .option('--digest-people <n>', 'personnes au récapitulatif du lundi', '20')
  .option('--runs <n>', 'passages à la suite', '3')
  .addOption(new Option('--temporal <moteur>', 'dev : le serveur de la pile ; cluster : deux nœuds propres à la suite, tués tour à tour').choices(['dev', 'cluster']).default('dev'))
  .parse();
const o = program.opts<{ contracts: string; poison: string; faultEvery: string; concurrency: string; runs: string; digestPeople: string; temporal: 'dev' | 'cluster' }>();

const reports: FaultReport[] = [];
for (let i = 1; i <= Number(o.runs); i++) {
  console.log(`\nPassage ${i}/${o.runs}`);
  const report = await runFaultSuite({
    contracts: Number(o.contracts), poison: Number(o.poison), faultEveryMs: Number(o.faultEvery) * 1000, concurrency: Number(o.concurrency),
    digestPeople: Number(o.digestPeople), keepServices: i < Number(o.runs), ports: 100, temporal: o.temporal, say: (line) => console.log(line),
  });
  reports.push(report);
  console.log(`Passage ${i} : ${report.seconds} s, pannes ${JSON.stringify(report.faults)}`);
  console.table(report.checks.map((c) => ({ vérification: c.name, résultat: c.ok ? 'OK' : 'ÉCHEC', détail: c.detail })));
  if (!report.ok) break;
}
mkdirSync('faults/results', { recursive: true });
const file = `faults/results/faults-${new Date().toISOString().replace(/:/g, '-')}.json`;
writeFileSync(file, JSON.stringify(reports, null, 2));
const passed = reports.filter((r) => r.ok).length;
console.log(`${passed}/${o.runs} passages réussis. Détail : ${file}`);
process.exit(passed === Number(o.runs) ? 0 : 1);
