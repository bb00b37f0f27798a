import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { LIVE_FEED } from '../support/paths.js';
import { baseMessages, withField } from './feed-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'turnover-validate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kindsOf(path: string): { transactions: number; currencies: number } {
  const kinds = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { object_type: string }).object_type);
  return { transactions: kinds.filter((k) => k === 'TRANSACTION').length, currencies: kinds.filter((k) => k === 'CURRENCY').length };
}

test('validate --json counts the live feed fixtures: all valid', async () => {
  for (const file of [LIVE_FEED.messages, LIVE_FEED.transactions100]) {
    const result = await runCli(['validate', '--json', file]);
    assert.equal(result.code, 0, result.stderr);
    const { transactions, currencies } = kindsOf(file);
    assert.deepEqual(JSON.parse(result.stdout), { valid: transactions + currencies, transactions, currencies, rejected: {} });
    assert.equal(result.stdout.trim().split('\n').length, 1, 'exactly one JSON object');
  }
});

test('validate counts rejects by reason and still exits 0', async () => {
  const { transaction, currency } = baseMessages();
  const good = [JSON.stringify(transaction), JSON.stringify(currency)];
  const lines: Buffer[] = [
    ...good.map((l) => Buffer.from(l)),
    Buffer.from(JSON.stringify(withField(transaction, 'payload.status', 'settled'))),
    Buffer.from(JSON.stringify(withField(transaction, 'payload.status', 'settled'))),
    Buffer.from(JSON.stringify(withField(currency, 'payload.currency_with_div', 0))),
    Buffer.from('not json at all'),
    Buffer.from([0x7b, 0xff, 0x7d]),
    Buffer.from(''),
    Buffer.from(`${good[0]}\r`),
  ];
  const path = join(dir, 'mixed.jsonl');
  writeFileSync(path, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
  const json = await runCli(['validate', '--json', path]);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), {
    valid: 3,
    transactions: 2,
    currencies: 1,
    rejected: { unknown_status: 2, rate_not_positive: 1, not_json: 1, not_utf8: 1 },
  });
  const text = await runCli(['validate', path]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /unknown_status\s+2/);
  assert.match(text.stdout, /line 3: unknown_status \(payload\.status\)/);
  assert.match(text.stdout, /1 blank line skipped/);
});

test('an empty file is read: zero of everything, exit 0', async () => {
  const path = join(dir, 'empty.jsonl');
  writeFileSync(path, '');
  const result = await runCli(['validate', '--json', path]);
  assert.equal(result.code, 0);
  assert.deepEqual(JSON.parse(result.stdout), { valid: 0, transactions: 0, currencies: 0, rejected: {} });
});

test('a missing file is one clear error line and a non-zero exit', async () => {
  const result = await runCli(['validate', '--json', join(dir, 'missing.jsonl')]);
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /missing\.jsonl: no such file/);
});
