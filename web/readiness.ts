/**
 * Readiness: whether this process can serve, i.e. reach PostgreSQL, Temporal and Kafka. Each is probed with a
 * bound, in parallel, and reported with its state; liveness (`/api/sante`) looks at none of them, on purpose: a
 * database restart must not get the web app killed.
 */
import type { Client } from '@temporalio/client';
import type { Admin, Kafka } from 'kafkajs';
import type { Db } from '../lib/db';

export type ComponentState = { etat: 'ok'; ms: number } | { etat: 'injoignable'; ms: number; erreur: string };

export interface Readiness {
  pret: boolean;
  composants: Record<string, ComponentState>;
}

type Probe = () => Promise<unknown>;

export function readinessProbes(deps: { db: Db; temporal: Client; kafka?: Kafka }): { check: (timeoutMs?: number) => Promise<Readiness>; close: () => Promise<void> } {
  let admin: Promise<Admin> | undefined;
  const kafkaAdmin = () => {
    admin ??= (async () => {
      const a = deps.kafka!.admin();
      await a.connect();
      return a;
    })();
    // A failed connection is tried again at the next probe.
    admin.catch(() => (admin = undefined));
    return admin;
  };
  const probes: Record<string, Probe> = {
    postgresql: () => deps.db.$queryRaw`SELECT 1`,
    temporal: () => deps.temporal.workflowService.getSystemInfo({}),
    ...(deps.kafka ? { kafka: async () => (await kafkaAdmin()).describeCluster() } : {}),
  };
  return {
    async check(timeoutMs = 2000) {
      const entries = await Promise.all(Object.entries(probes).map(async ([name, probe]) => [name, await timed(probe, timeoutMs)] as const));
      return { pret: entries.every(([, s]) => s.etat === 'ok'), composants: Object.fromEntries(entries) };
    },
    async close() {
      await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
    },
  };
}

async function timed(probe: Probe, timeoutMs: number): Promise<ComponentState> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`pas de réponse en ${timeoutMs} ms`)), timeoutMs)))]);
    return { etat: 'ok', ms: ms() };
  } catch (err) {
    return { etat: 'injoignable', ms: ms(), erreur: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
