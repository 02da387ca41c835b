/** `npm run schemas`: writes schemas/json/<type>.v<version>.schema.json from schemas/contract-events.ts. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EnvelopeSchema, EVENT_TYPES, PAYLOADS } from './contract-events';

export const JSON_DIR = fileURLToPath(new URL('./json/', import.meta.url));

/** Each event type and version as one JSON Schema document (envelope with its payload). */
export function jsonSchemas(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const type of EVENT_TYPES) {
    for (const [version, payload] of Object.entries(PAYLOADS[type]) as [string, z.ZodType][]) {
      const schema = EnvelopeSchema.extend({ type: z.literal(type), version: z.literal(Number(version)), payload });
      const doc = {
        $id: `https://spaser.example/schemas/${type}.v${version}.schema.json`,
        title: `${type} v${version}`,
        ...z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }),
      };
      files[`${type}.v${version}.schema.json`] = `${JSON.stringify(doc, null, 2)}\n`;
    }
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(jsonSchemas())) writeFileSync(`${JSON_DIR}${name}`, text);
  console.log(`Schémas écrits dans ${JSON_DIR}`);
}
