/**
 * The form of a check, derived from its answer schema (domain/answers.ts through JSON Schema), and the way back:
 * form fields to an answer object that the same schema then validates.
 */
import { z } from 'zod';
import { ANSWER_SCHEMAS } from '../../domain/answers';
import type { CheckKind } from '../../domain/policy';
import { FIELD_LABELS, LONG_TEXT, VALUE_LABELS } from './labels';

export interface Option {
  value: string;
  label: string;
}

export type Field = { name: string; label: string; required: boolean } & (
  | { type: 'boolean' | 'date' | 'lines' }
  | { type: 'number'; step: string; min?: number; max?: number }
  | { type: 'text'; long: boolean }
  | { type: 'select' | 'checkboxes'; options: Option[] }
  | { type: 'group'; fields: Field[]; rows?: number }
  | { type: 'variants'; variants: (Option & { fields: Field[] })[] }
);

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  const?: string;
  format?: string;
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/** Rows offered for a list of objects (e.g. labels held). */
const LIST_ROWS = 3;
const option = (value: string): Option => ({ value, label: VALUE_LABELS[value] ?? value });

export function formFields(kind: CheckKind): Field[] {
  return schemaFields(ANSWER_SCHEMAS[kind]);
}

/** Fields already derived, by schema: the schemas never change, and deriving one costs a JSON Schema conversion. */
const derived = new WeakMap<z.ZodType, readonly Field[]>();

/**
 * The form of any schema the product takes from people: an answer, or an event's payload (a new contract). Derived
 * once per schema and shared: read the fields, never change them.
 */
export function schemaFields(zodSchema: z.ZodType): Field[] {
  let fields = derived.get(zodSchema);
  if (!fields) derived.set(zodSchema, (fields = deriveFields(zodSchema)));
  return fields as Field[];
}

function deriveFields(zodSchema: z.ZodType): Field[] {
  const schema = z.toJSONSchema(zodSchema, { io: 'input' }) as JsonSchema;
  if (!schema.oneOf) return objectFields(schema, '');
  const [discriminator] = Object.entries(schema.oneOf[0]!.properties!).find(([, p]) => p.const !== undefined)!;
  return [{
    type: 'variants', name: discriminator, label: FIELD_LABELS[discriminator] ?? discriminator, required: true,
    variants: schema.oneOf.map((v) => ({
      ...option(v.properties![discriminator]!.const!),
      fields: objectFields({ ...v, properties: Object.fromEntries(Object.entries(v.properties!).filter(([k]) => k !== discriminator)) }, ''),
    })),
  }];
}

function objectFields(schema: JsonSchema, prefix: string): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, prop]) => field(prop, `${prefix}${key}`, key, required.has(key) && prop.default === undefined));
}

function field(p: JsonSchema, name: string, key: string, required: boolean): Field {
  const base = { name, label: FIELD_LABELS[key] ?? key, required };
  if (p.type === 'boolean') return { ...base, type: 'boolean' };
  if (p.type === 'number' || p.type === 'integer') return { ...base, type: 'number', step: p.type === 'integer' ? '1' : 'any', min: p.minimum, max: p.maximum };
  if (p.type === 'object') return { ...base, type: 'group', fields: objectFields(p, `${name}.`) };
  if (p.type === 'array' && p.items?.enum) return { ...base, type: 'checkboxes', options: p.items.enum.map(option) };
  if (p.type === 'array' && p.items?.type === 'object') return { ...base, type: 'group', rows: LIST_ROWS, fields: objectFields(p.items, '') };
  if (p.type === 'array') return { ...base, type: 'lines' };
  if (p.enum) return { ...base, type: 'select', options: p.enum.map(option) };
  if (p.format === 'date') return { ...base, type: 'date' };
  return { ...base, type: 'text', long: LONG_TEXT.has(key) };
}

export type FormBody = Record<string, string | string[] | undefined>;

/** The answer object a submitted form stands for; empty fields are left out, so the schema names what is missing. */
export function answerFromForm(fields: Field[], body: FormBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.type === 'variants') {
      const chosen = f.variants.find((v) => v.value === first(body[f.name]));
      if (chosen) Object.assign(out, { [f.name]: chosen.value }, answerFromForm(chosen.fields, body));
      continue;
    }
    const value = valueOf(f, body);
    if (value !== undefined) out[leaf(f.name)] = value;
  }
  return out;
}

function valueOf(f: Field, body: FormBody): unknown {
  const raw = first(body[f.name])?.trim();
  switch (f.type) {
    case 'boolean':
      return raw === 'oui' ? true : raw === 'non' ? false : undefined;
    case 'number':
      return raw ? Number(raw.replace(',', '.').replace(/\s/g, '')) : undefined;
    case 'checkboxes':
      return all(body[f.name]);
    case 'lines':
      return (raw ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    case 'group': {
      if (!f.rows) {
        const group = answerFromForm(f.fields, body);
        return Object.keys(group).length ? group : undefined;
      }
      const rows = Array.from({ length: f.rows }, (_, i) =>
        answerFromForm(f.fields.map((c) => ({ ...c, name: `${f.name}.${i}.${c.name}` })), body));
      return rows.filter((r) => Object.keys(r).length > 0);
    }
    default:
      return raw || undefined;
  }
}

const leaf = (name: string) => name.slice(name.lastIndexOf('.') + 1);
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const all = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
