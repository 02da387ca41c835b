/**
 * Summarises V8 CPU profiles (`.cpuprofile`, from `node --cpu-prof`): where the process spent its time, by place
 * (a package of node_modules, a folder of the product, Node's internals, the garbage collector) and by function,
 * self time only. `npx tsx bench/profile.ts <dir or files>` prints it; the bench prints it for `--cpu-prof`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT, isMain } from '../lib/paths';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byPlace: { place: string; ms: number; share: number }[];
  byFunction: { fn: string; place: string; ms: number; share: number }[];
}

/** Where a function lives: `pkg:<name>`, `spaser:<folder>`, `node`, or V8's own pseudo-functions. */
export function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(natif)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  if (url.startsWith('node:')) return 'node';
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(APP_ROOT)) return `spaser:${path.slice(APP_ROOT.length + 1).split('/')[0]}`;
  return path;
}

export function summariseProfiles(profiles: CpuProfile[], top = 15): ProfileSummary {
  const places = new Map<string, number>();
  const functions = new Map<string, { place: string; ms: number }>();
  let total = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const frame = byId.get(id)!;
      const place = placeOf(frame.url, frame.functionName);
      total += ms;
      places.set(place, (places.get(place) ?? 0) + ms);
      const fn = `${frame.functionName || '(anonyme)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
      const entry = functions.get(fn) ?? { place, ms: 0 };
      entry.ms += ms;
      functions.set(fn, entry);
    });
  }
  const share = (ms: number) => Math.round((ms / total) * 1000) / 10;
  return {
    totalMs: Math.round(total),
    byPlace: [...places].sort((a, b) => b[1] - a[1]).slice(0, top).map(([place, ms]) => ({ place, ms: Math.round(ms), share: share(ms) })),
    byFunction: [...functions].sort((a, b) => b[1].ms - a[1].ms).slice(0, top).map(([fn, { place, ms }]) => ({ fn, place, ms: Math.round(ms), share: share(ms) })),
  };
}

/** Every `.cpuprofile` under the given files or folders. */
export function readProfiles(paths: string[]): CpuProfile[] {
  const files = paths.flatMap((p) => (statSync(p).isDirectory() ? readdirSync(p, { recursive: true }).map(String).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(p, f)) : [p]));
  return files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
}

if (isMain('profile')) {
  const summary = summariseProfiles(readProfiles(process.argv.slice(2)));
  console.log(`Temps échantillonné : ${(summary.totalMs / 1000).toFixed(1)} s`);
  console.table(summary.byPlace);
  console.table(summary.byFunction);
}
