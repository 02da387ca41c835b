/**
 * Where the product's files are, the same from the TypeScript sources (tsx) and from the compiled bundles in dist/:
 * every path is taken from the root folder (the one holding package.json), never from the calling module.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function rootOf(start: string): string {
  for (let dir = dirname(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`package.json introuvable au-dessus de ${start}`);
  }
}

export const APP_ROOT = rootOf(fileURLToPath(import.meta.url));

export const appPath = (...parts: string[]): string => join(APP_ROOT, ...parts);

/** Whether this code runs compiled (`npm run build`, dist/) rather than from the TypeScript sources. */
export const COMPILED = import.meta.url.endsWith('.js');

/**
 * Whether the process was started for the entry point `name` (`workers/worker.ts`, or its bundle `dist/worker.js`).
 * By name rather than by module URL: in a bundle every module shares the bundle's URL.
 */
export function isMain(name: string): boolean {
  return basename(process.argv[1] ?? '').replace(/\.(ts|js)$/, '') === name;
}
