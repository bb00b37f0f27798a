import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseFeedValue, parseFeedValueWithSchema, REJECT_REASONS, TRANSACTION_STATUSES, type ParseResult } from '../../src/contracts/index.js';
import { baseMessages, liveFeedValues, type Json } from './feed-lines.js';

/**
 * The production validator (hand-written fast path) must agree with the zod
 * schema (the reference) on every input: same record, or same reason, field
 * and event date. Details are free text and may differ.
 */
function comparable(result: ParseResult): unknown {
  if (result.ok) return result;
  return { ok: false, reason: result.reason, field: result.field, eventDate: result.eventDate };
}

/** Outcomes seen, to prove the runs reached every branch rather than one easy reject. */
const seen = new Set<string>();

function assertAgree(value: unknown): void {
  const fast = parseFeedValue(value);
  seen.add(fast.ok ? fast.kind : fast.reason);
  assert.deepStrictEqual(comparable(fast), comparable(parseFeedValueWithSchema(value)), JSON.stringify(value));
}

const { transaction, currency } = baseMessages();
const tx = transaction;
const txPayload = tx.payload as Json;

/** Values that sit on the edges of the checks, plus anything JSON-like. */
const edgy: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.constantFrom('', 'TRANSACTION', 'CURRENCY', 'transaction', 'authorisation', ...TRANSACTION_STATUSES, 'DONE'),
  fc.constantFrom(tx.object_id, (tx.object_id as string).toUpperCase(), '11111111-2222-4333-8444-555555555555', '1111111-2222-4333-8444-5555555555555', 'g1111111-2222-4333-8444-555555555555'),
  fc.constantFrom('2022-10-01', '2022-10-01 00:00:00', '2022-10-01T00:00:00.123', '2022-02-30 00:00:00', '2022-10-01 24:00:00', '2022-10-01 00:00:00+03:00', '2022-10-01 00:00:00Z'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e20, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, Infinity, -Infinity, Number.NaN, 0.5, 1.05),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.integer(), { maxLength: 2 }),
);

const DELETED = Symbol('deleted');

type Mutation = 'keep' | 'delete' | 'replace';
const mutation = fc.constantFrom<Mutation>('keep', 'keep', 'keep', 'delete', 'replace');

function mutated(base: Json, choices: Record<string, [Mutation, unknown]>): Json {
  const copy: Json = { ...base };
  for (const [key, [what, value]] of Object.entries(choices)) {
    if (what === 'delete') delete copy[key];
    else if (what === 'replace') copy[key] = value;
  }
  return copy;
}

function messageArbitrary(base: Json): fc.Arbitrary<unknown> {
  const payload = base.payload as Json;
  const fieldChoices = (keys: string[]) => fc.record(Object.fromEntries(keys.map((k) => [k, fc.tuple(mutation, edgy)])) as Record<string, fc.Arbitrary<[Mutation, unknown]>>);
  return fc
    .tuple(fieldChoices(Object.keys(base)), fieldChoices([...Object.keys(payload), 'object_type']), fc.boolean())
    .map(([top, inner, crossKind]) => {
      const message = mutated(base, top);
      if (message.payload === payload) message.payload = mutated(crossKind ? ((base === tx ? currency : tx).payload as Json) : payload, inner);
      return message;
    });
}

test('fast path and zod schema agree on mutated real transactions', () => {
  fc.assert(fc.property(messageArbitrary(tx), assertAgree), { numRuns: 20000 });
});

test('fast path and zod schema agree on mutated real currency rates', () => {
  fc.assert(fc.property(messageArbitrary(currency), assertAgree), { numRuns: 10000 });
});

test('fast path and zod schema agree when any one field is changed or removed', () => {
  const paths = (base: Json) => [...Object.keys(base).map((k) => [base, k, undefined] as const), ...Object.keys(base.payload as Json).map((k) => [base, 'payload', k] as const)];
  const targets = [...paths(tx), ...paths(currency)];
  fc.assert(
    fc.property(fc.constantFrom(...targets), fc.option(edgy, { nil: DELETED }), ([base, key, inner], value) => {
      const message: Json = { ...base, payload: { ...(base.payload as Json) } };
      const holder = inner === undefined ? message : (message.payload as Json);
      const name = inner ?? key;
      if (value === DELETED) delete holder[name];
      else holder[name] = value;
      assertAgree(message);
    }),
    { numRuns: 10000 },
  );
});

test('fast path and zod schema agree on every pairing of object_id and operation_id', () => {
  const id = tx.object_id as string;
  const ids = fc.constantFrom(id, id.toUpperCase(), `${id.slice(0, 35)}0`, '11111111-2222-4333-8444-555555555555', id.replace('-', ''), 42);
  fc.assert(
    fc.property(ids, ids, (objectId, operationId) => assertAgree({ ...tx, object_id: objectId, payload: { ...txPayload, operation_id: operationId } })),
    { numRuns: 2000 },
  );
});

test('fast path and zod schema agree on arbitrary JSON values', () => {
  fc.assert(fc.property(fc.jsonValue(), assertAgree), { numRuns: 5000 });
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('object_type', 'object_id', 'sent_dttm', 'payload'), edgy), assertAgree), { numRuns: 5000 });
});

test('the agreement runs reached every outcome a decoded value can have', () => {
  // the others come from the bytes (null, UTF-8, JSON), a parser bug, or the warehouse (load-stg only)
  const reachable = ['TRANSACTION', 'CURRENCY', ...REJECT_REASONS.filter((r) => !['null_value', 'not_utf8', 'not_json', 'parser_error', 'warehouse_refused'].includes(r))];
  assert.deepEqual(reachable.filter((outcome) => !seen.has(outcome)), []);
});

test('fast path and zod schema agree on every live feed message', () => {
  for (const { value } of liveFeedValues()) assertAgree(JSON.parse(value.toString('utf8')));
  assert.equal(txPayload.operation_id, tx.object_id);
});
