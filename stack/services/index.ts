import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../lib/config';
import { stackPaths, type Service } from '../service';
import { kafkaService } from './kafka';
import { mailService } from './mail';
import { postgresService } from './postgres';
import { temporalService } from './temporal';
import { temporalClusterService } from './temporal-cluster';

export type TemporalEngine = 'dev' | 'cluster';

const engineFile = (config: Config) => join(stackPaths(config).run, 'temporal-engine');

/** TEMPORAL_ENGINE when set, else the engine the stack last started, else the dev server. */
export function temporalEngine(config: Config): TemporalEngine {
  if (config.temporal.engine) return config.temporal.engine;
  const recorded = existsSync(engineFile(config)) ? readFileSync(engineFile(config), 'utf8').trim() : '';
  return recorded === 'cluster' ? 'cluster' : 'dev';
}

/** Remembered so that `npm test` and `stack:status` after `npm run stack -- --temporal cluster` use the cluster. */
export function recordTemporalEngine(config: Config, engine: TemporalEngine): void {
  mkdirSync(stackPaths(config).run, { recursive: true });
  writeFileSync(engineFile(config), engine);
}

export function allServices(config: Config): Service[] {
  const temporal = temporalEngine(config) === 'cluster' ? temporalClusterService(config) : temporalService(config);
  return [postgresService(config), temporal, kafkaService(config), mailService(config)];
}

/** Every service either engine may have started: what `stack:down` stops. */
export function everyService(config: Config): Service[] {
  return [...allServices(config), temporalEngine(config) === 'cluster' ? temporalService(config) : temporalClusterService(config)];
}
