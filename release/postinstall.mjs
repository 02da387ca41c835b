// `npm install` and `npm ci` generate the Prisma client (prisma/generated). A production install (`--omit=dev`)
// has no Prisma CLI: it runs on the client the build generated (release/assemble.sh copies it), so it skips this.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
let cli;
try {
  cli = require.resolve('prisma/build/index.js');
} catch {
  process.stdout.write('Installation sans outils de développement : le client Prisma de la construction est utilisé tel quel.\n');
  process.exit(0);
}
execFileSync(process.execPath, [cli, 'generate'], { stdio: 'inherit' });
