import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { parseMessage } from '../../src/contracts/index.js';
import { partitionForKey } from '../../src/kafka/index.js';
import { runCli } from '../support/cli.js';
import { LIVE_FEED } from '../support/paths.js';
import { useStack, type TestStack } from '../support/stack.js';
import { readTopic } from './topic-reader.js';

let stack: TestStack;
before(async () => {
  stack = await useStack();
});
after(async () => {
  await stack?.release();
});

async function replay(file: string, label: string, extra: string[] = []): Promise<{ topic: string; records: Awaited<ReturnType<typeof readTopic>> }> {
  const topic = await stack.freshTopic(label, 3);
  const result = await runCli(['replay', file, '--topic', topic, ...extra], { env: stack.env });
  assert.equal(result.code, 0, result.stderr);
  return { topic, records: await readTopic(stack.kafka, topic, stack.logger) };
}

const csvRows = (file: string): Record<string, string>[] => {
  const [header, ...rows] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const names = header!.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [names[i]!, cell])));
};

test('a .jsonl fixture goes into Kafka byte for byte, keyed by object_id', async () => {
  for (const file of [LIVE_FEED.messages, LIVE_FEED.transactions100]) {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const { records } = await replay(file, 'replay_jsonl');
    assert.equal(records.length, lines.length);
    const remaining = new Map<string, number>();
    for (const line of lines) remaining.set(line, (remaining.get(line) ?? 0) + 1);
    for (const r of records) {
      const text = r.value!.toString('utf8');
      assert.ok(remaining.get(text), `an exact line of ${file}`);
      remaining.set(text, remaining.get(text)! - 1);
      const objectId = (JSON.parse(text) as { object_id: string }).object_id;
      assert.equal(r.key?.toString(), objectId);
      assert.equal(r.partition, partitionForKey(objectId, 3), 'Kafka\'s murmur2 partition of the key');
    }
    // within a partition the file order holds
    for (const p of [0, 1, 2]) {
      const inFile = lines.filter((l) => partitionForKey((JSON.parse(l) as { object_id: string }).object_id, 3) === p);
      assert.deepEqual(records.filter((r) => r.partition === p).map((r) => r.value!.toString()), inFile);
    }
  }
});

test('the transactions CSV export becomes envelopes with the same fields', async () => {
  const rows = csvRows(LIVE_FEED.transactionsSample);
  const { records } = await replay(LIVE_FEED.transactionsSample, 'replay_tx_csv', ['--key', 'none']);
  assert.equal(records.length, rows.length);
  const parsed = records.map((r) => parseMessage(r.value));
  const byKey = new Map(parsed.map((p) => {
    assert.ok(p.ok && p.kind === 'TRANSACTION');
    return [`${p.operationId}/${p.status}`, p];
  }));
  for (const row of rows) {
    const record = byKey.get(`${row.operation_id}/${row.status}`);
    assert.ok(record && record.kind === 'TRANSACTION', `${row.operation_id}/${row.status}`);
    assert.equal(record.objectId, row.operation_id);
    assert.equal(record.accountNumberFrom, Number(row.account_number_from));
    assert.equal(record.accountNumberTo, Number(row.account_number_to));
    assert.equal(record.currencyCode, Number(row.currency_code));
    assert.equal(record.country, row.country);
    assert.equal(record.transactionType, row.transaction_type);
    assert.equal(record.amount, Number(row.amount));
    assert.equal(record.transactionDt, `${row.transaction_dt!.slice(0, 19)}.000000`);
    assert.equal(record.sentDttm, record.transactionDt, 'sent when it happened');
  }
  assert.ok(records.every((r) => r.key === null), '--key none');
});

test('both rate CSV exports become CURRENCY envelopes with stable ids', async () => {
  for (const file of [LIVE_FEED.currenciesSample, LIVE_FEED.currenciesHistory]) {
    const rows = csvRows(file);
    const { records } = await replay(file, 'replay_rates_csv');
    assert.equal(records.length, rows.length, file);
    const byPair = new Map(records.map((r) => {
      const p = parseMessage(r.value);
      assert.ok(p.ok && p.kind === 'CURRENCY');
      assert.equal(r.key?.toString(), p.objectId);
      return [`${p.dateUpdate}/${p.currencyCode}/${p.currencyCodeWith}`, p];
    }));
    for (const row of rows) {
      const date = row.date_update!.slice(0, 10);
      const record = byPair.get(`${date}/${row.currency_code}/${row.currency_code_with}`);
      assert.ok(record && record.kind === 'CURRENCY', `${file}: ${date} ${row.currency_code}>${row.currency_code_with}`);
      assert.equal(record.currencyWithDiv, Number(row.currency_with_div));
      assert.equal(record.sentDttm, `${date} 00:00:00.000000`);
    }
  }
  // the same rate replayed from either export gets the same object_id
  const sample = await replay(LIVE_FEED.currenciesSample, 'replay_rates_again');
  const history = await replay(LIVE_FEED.currenciesHistory, 'replay_rates_history');
  const historyKeys = new Set(history.records.map((r) => r.key!.toString()));
  assert.ok(sample.records.every((r) => historyKeys.has(r.key!.toString())));
});

test('a file that is neither is refused before anything is produced', async () => {
  const result = await runCli(['replay', LIVE_FEED.transactions100.replace('course-transactions-100.jsonl', 'README.md'), '--topic', 'never_created'], { env: stack.env });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /cannot tell the format/);
});
