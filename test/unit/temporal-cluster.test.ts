import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { recordTemporalEngine, temporalEngine } from '../../stack/services';
import { CLUSTER_NODES, nodeFrontendPort, nodePorts } from '../../stack/services/temporal-cluster';

const stackDir = mkdtempSync(join(tmpdir(), 'spaser-engine-'));
afterAll(() => rmSync(stackDir, { recursive: true, force: true }));

const portsOf = (base: number) => Array.from({ length: CLUSTER_NODES }, (_, n) => Object.values(nodePorts(nodeFrontendPort(base, n)))).flat();

it('gives every node of every stack its own ports: the stack, the fault suites (100, 200 up) and the bench cluster', () => {
  const stacks = [7233, 17333, 17433, 17633];
  const all = stacks.flatMap(portsOf);
  expect(new Set(all).size).toBe(all.length);
  expect(portsOf(7233).slice(0, 5)).toEqual([7233, 7234, 7235, 7239, 7243]); // Temporal's usual ports on node 1
});

it('runs the engine asked for, else the one the stack last started, else the dev server', () => {
  const config = (engine?: string) => loadConfig({ STACK_DIR: stackDir, ...(engine ? { TEMPORAL_ENGINE: engine } : {}) });
  expect(temporalEngine(config())).toBe('dev');
  recordTemporalEngine(config(), 'cluster');
  expect(temporalEngine(config())).toBe('cluster');
  expect(temporalEngine(config('dev'))).toBe('dev');
  expect(() => config('sqlite')).toThrow(/TEMPORAL_ENGINE/);
});
