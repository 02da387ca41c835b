import { join } from 'node:path';
import type { Config } from '../lib/config';

/** One native service of the development stack. */
export interface Service {
  name: string;
  /** Where a person or a client reaches it. */
  endpoints(): string[];
  /** Fetches and caches what it needs (binaries, jars), and checks prerequisites; `say` tells about long steps. */
  prepare(say?: (line: string) => void): Promise<void>;
  healthy(): Promise<boolean>;
  start(): Promise<void>;
  /** One-time setup once healthy (roles, databases, topics). */
  afterStart?(): Promise<void>;
  stop(): Promise<void>;
  /** Seconds to wait for health after start. */
  startTimeoutSec: number;
}

export interface StackPaths {
  data: string;
  logs: string;
  run: string;
  cache: string;
}

export function stackPaths(config: Config): StackPaths {
  return {
    data: join(config.stackDir, 'data'),
    logs: join(config.stackDir, 'logs'),
    run: join(config.stackDir, 'run'),
    cache: config.cacheDir,
  };
}

/** A prerequisite the user must install; its message is the one line they read. */
export class MissingPrerequisite extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingPrerequisite';
  }
}

export function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  const [host, port] = address.replace(/^\w+:\/\//, '').split(':');
  return { host: host || '127.0.0.1', port: Number(port) || defaultPort };
}
