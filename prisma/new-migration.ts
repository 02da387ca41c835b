/**
 * `npm run db:migration -- <name>`: writes the SQL that takes the last migration's schema to prisma/schema.prisma.
 * Each migration folder keeps a copy of the schema it leads to (schema.prisma beside migration.sql): Prisma's own
 * way, a shadow database, needs the Rust schema engine, which our machines cannot download.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffSchemas, latestSnapshot, MIGRATIONS_DIR, SCHEMA } from './schema-diff';

const name = process.argv[2]?.replace(/[^a-z0-9_]+/gi, '_').toLowerCase();
if (!name) {
  console.error('Usage : npm run db:migration -- <nom_de_la_migration>');
  process.exit(2);
}

const sql = diffSchemas(latestSnapshot(), SCHEMA);
if (!sql) {
  console.log('Aucun changement : le schéma correspond déjà à la dernière migration.');
} else {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), sql);
  copyFileSync(SCHEMA, join(dir, 'schema.prisma'));
  console.log(`Migration écrite : ${join(dir, 'migration.sql')}`);
}
