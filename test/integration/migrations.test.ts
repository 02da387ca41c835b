import { expect, it } from 'vitest';
import { diffSchemas, latestSnapshot, SCHEMA } from '../../prisma/schema-diff';

it('has a migration for every change of prisma/schema.prisma', () => {
  const missing = diffSchemas(latestSnapshot(), SCHEMA);
  expect(missing, 'run `npm run db:migration -- <name>`').toBe('');
});
