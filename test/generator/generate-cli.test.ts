import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'turnover-generate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('generate --out writes a feed that validate counts exactly as generate reported', async () => {
  const out = join(dir, 'feed.jsonl');
  const generated = await runCli(['generate', '--from', '2023-03-01', '--to', '2023-03-03', '--transactions-per-day', '500', '--seed', '3',
    '--scenario', 'poison:13@2023-03-02', '--scenario', 'redeliveries:5%@2023-03-03', '--out', out, '--json']);
  assert.equal(generated.code, 0, generated.stderr);
  const summary = JSON.parse(generated.stdout) as { messages: number; transactions: number; currencies: number; poisonByReason: Record<string, number>; days: unknown };
  assert.deepEqual(summary.days, { first: '2023-03-01', last: '2023-03-03' });
  assert.equal(readFileSync(out, 'utf8').split('\n').filter(Boolean).length, summary.messages);
  const validated = await runCli(['validate', '--json', out]);
  assert.equal(validated.code, 0, validated.stderr);
  assert.deepEqual(JSON.parse(validated.stdout), {
    valid: summary.transactions + summary.currencies,
    transactions: summary.transactions,
    currencies: summary.currencies,
    rejected: summary.poisonByReason,
  });
  assert.ok(summary.currencies >= 3 * 42, '42 rates a day, plus redelivered copies');
});

test('the same command twice writes the same bytes', async () => {
  const a = join(dir, 'a.jsonl');
  const b = join(dir, 'b.jsonl');
  for (const out of [a, b]) {
    const result = await runCli(['generate', '--from', '2023-03-01', '--to', '2023-03-02', '--transactions-per-day', '300', '--seed', '9', '--scenario', 'fx-shock:440:+10%@2023-03-02', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
  }
  assert.ok(readFileSync(a).equals(readFileSync(b)));
});

test('--max-messages then --skip-messages of the same run write exactly the bytes of one whole run (resuming an interrupted backfill)', async () => {
  const base = ['generate', '--from', '2023-03-01', '--to', '2023-03-02', '--transactions-per-day', '300', '--seed', '5', '--scenario', 'corrections:3%@2023-03-02'];
  const whole = join(dir, 'whole.jsonl');
  const head = join(dir, 'head.jsonl');
  const rest = join(dir, 'rest.jsonl');
  assert.equal((await runCli([...base, '--out', whole])).code, 0);
  const lines = readFileSync(whole, 'utf8').split('\n').filter(Boolean).length;
  const cut = Math.floor(lines / 3);
  assert.equal((await runCli([...base, '--max-messages', String(cut), '--out', head])).code, 0);
  const resumed = await runCli([...base, '--skip-messages', String(cut), '--out', rest, '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal((JSON.parse(resumed.stdout) as { messages: number }).messages, lines - cut);
  assert.ok(Buffer.concat([readFileSync(head), readFileSync(rest)]).equals(readFileSync(whole)));
});

test('without an interval it generates the last 7 full days and says so', async () => {
  const out = join(dir, 'default.jsonl');
  const result = await runCli(['generate', '--transactions-per-day', '50', '--out', out, '--json'], { env: { TURNOVER_LOG_LEVEL: 'info' } });
  assert.equal(result.code, 0, result.stderr);
  const today = new Date().toISOString().slice(0, 10);
  const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
  assert.deepEqual(JSON.parse(result.stdout).days, { first: day(-7), last: day(-1) });
  assert.match(result.stderr, /last 7 days/);
});

test('a bad scenario is a usage error: one line, exit 2, nothing written', async () => {
  const result = await runCli(['generate', '--from', '2023-03-01', '--to', '2023-03-01', '--out', join(dir, 'never.jsonl'), '--scenario', 'fx-shock:440:+10%']);
  assert.equal(result.code, 2);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /bad --scenario "fx-shock:440:\+10%": no @WHEN/);
});

test('without brokers and without --out it says how to set them', async () => {
  const result = await runCli(['generate', '--from', '2023-03-01', '--to', '2023-03-01'], { env: { TURNOVER_KAFKA_BROKERS: '' } });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /TURNOVER_KAFKA_BROKERS/);
});
