import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, parseContractEvent } from '../../schemas/contract-events';
import { jsonSchemas, JSON_DIR } from '../../schemas/generate';

const EXAMPLES = new URL('../../schemas/examples/', import.meta.url);
const example = (type: string) => readFileSync(new URL(`${type}.v1.json`, EXAMPLES), 'utf8');

it('keeps schemas/json in step with schemas/contract-events.ts (run `npm run schemas`)', () => {
  for (const [name, text] of Object.entries(jsonSchemas())) expect(readFileSync(`${JSON_DIR}${name}`, 'utf8'), name).toBe(text);
  expect(readdirSync(JSON_DIR).length).toBe(Object.keys(jsonSchemas()).length);
});

describe.each(EVENT_TYPES)('%s', (type) => {
  it('has an example valid for the parser and for its JSON Schema', () => {
    expect(parseContractEvent(example(type))).toMatchObject({ ok: true, event: { type } });
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(`${JSON_DIR}${type}.v1.schema.json`, 'utf8')));
    expect(validate(JSON.parse(example(type))), JSON.stringify(validate.errors)).toBe(true);
  });
});

it('gives a reason for each kind of bad message', () => {
  const good = JSON.parse(example('contract.amended'));
  expect(parseContractEvent('{not json')).toEqual({ ok: false, reason: 'le message n’est pas du JSON valide' });
  expect(parseContractEvent(JSON.stringify({ ...good, type: 'contract.teleported' }))).toEqual({ ok: false, reason: 'type d’événement inconnu : contract.teleported' });
  expect(parseContractEvent(JSON.stringify({ ...good, version: 9 }))).toEqual({ ok: false, reason: 'version 9 inconnue pour contract.amended' });
  expect(parseContractEvent(JSON.stringify({ ...good, contractId: undefined }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^enveloppe invalide : contractId/) });
  expect(parseContractEvent(JSON.stringify({ ...good, payload: { amountHT: -5 } }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^contenu invalide pour contract.amended : amountHT/) });
});
