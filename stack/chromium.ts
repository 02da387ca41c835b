import { existsSync } from 'node:fs';
import { chromiumPath } from '../lib/chromium';
import { run, which } from './process';
import { MissingPrerequisite } from './service';


const HOW = 'installez-le (apt-get install chromium) ou indiquez son chemin dans CHROMIUM_PATH';

/**
 * Chromium for the browser tests: installed with Debian's package when it is missing and we may (root, apt-get, no
 * CHROMIUM_PATH of the user's), otherwise named with the way to get it. The registry's headless builds
 * (@sparticuz/chromium) need libraries a bare machine lacks too, so they would not spare the system package.
 */
export async function ensureChromium(say: (line: string) => void): Promise<string> {
  const path = chromiumPath();
  if (existsSync(path)) return path;
  const mayInstall = !process.env.CHROMIUM_PATH && process.getuid?.() === 0 && (await which('apt-get'));
  if (!mayInstall) throw new MissingPrerequisite(`Chromium introuvable (${path}) pour les tests dans le navigateur : ${HOW}.`);
  say('Chromium absent : installation du paquet Debian (apt-get install chromium)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update', '-qq'], { env, maxBuffer: 64 << 20 });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env, maxBuffer: 64 << 20 });
  } catch (error) {
    throw new MissingPrerequisite(`Installation de Chromium impossible (${(error as Error).message.split('\n')[0]}) : ${HOW}.`);
  }
  if (!existsSync(path)) throw new MissingPrerequisite(`Chromium installé mais introuvable en ${path} : ${HOW}.`);
  return path;
}
