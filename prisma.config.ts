import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { loadConfig } from './lib/config';
import { prismaEngineStubs } from './prisma/engine-stubs';

// The Prisma CLI insists on locating its Rust engines even when it runs on the JS engine; point it at stubs.
prismaEngineStubs();

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    // allowExitOnIdle: the CLI never closes its pool, and would otherwise hang for pg's idle timeout.
    return new PrismaPg({ connectionString: loadConfig().databaseUrl, allowExitOnIdle: true });
  },
});
