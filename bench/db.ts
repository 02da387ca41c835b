/** The benchmarks' own database (`<db>_bench`), recreated and migrated at each run. */
import { loadConfig } from '../lib/config';
import { freshDatabase } from '../prisma/fresh-database';

export async function freshBenchDatabase(): Promise<string> {
  const url = new URL(loadConfig().databaseUrl);
  url.pathname = `/${url.pathname.slice(1)}_bench`;
  await freshDatabase(url.toString());
  return url.toString();
}
