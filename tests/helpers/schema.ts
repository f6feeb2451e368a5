import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

const schema = JSON.parse(readFileSync(new URL('../../schema/result.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

/** Asserts that a result passes the published schema (schema/result.schema.json), listing what does not. */
export function expectValidResult(result: unknown): void {
  const ok = validate(result);
  expect(ok ? [] : validate.errors).toEqual([]);
}
