import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../src/log/logger.js';
import { LandingReader } from '../../src/landing/index.js';
import { CLI } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { fixtureValues, land, loadStg, migratedDatabases, queryRows, spread, stgSnapshot } from './landing-support.js';

type Json = Record<string, any>;
const TOPIC = 'transaction-service-input';

/** Timestamps of the feed, as the UTC second they name (`2022-10-01T00:01:31` -> `2022-10-01 00:01:31`). */
const second = (text: string): string => text.replace('T', ' ').slice(0, 19);

/** Hand-made malformed values (each a small change to a real message) and the reason a reader expects. */
function malformedCorpus(): { value: Buffer | null; reason: string }[] {
  const base = JSON.parse(fixtureValues()[2]!.toString('utf8')) as Json;
  assert.equal(base.object_type, 'TRANSACTION');
  const variant = (change: (m: Json) => void): Buffer => {
    const m = structuredClone(base);
    change(m);
    return Buffer.from(JSON.stringify(m));
  };
  const text = JSON.stringify(base);
  const at = text.indexOf('"country"') + 12;
  return [
    { value: Buffer.from('hello, kafka'), reason: 'not_json' },
    { value: null, reason: 'null_value' },
    { value: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(text.slice(at))]), reason: 'not_utf8' },
    { value: variant((m) => (m.object_type = 'PAYMENT')), reason: 'unknown_object_type' },
    { value: variant((m) => (m.payload.status = 'refunded')), reason: 'unknown_status' },
    { value: variant((m) => delete m.payload.amount), reason: 'missing_field' },
    { value: Buffer.from(text.slice(0, 50)), reason: 'not_json' },
  ];
}

/** A copy of a real transaction message under a new operation id (for volume and for late data). */
function renamed(message: Json, id: string, change: (m: Json) => void = () => undefined): Buffer {
  const m = structuredClone(message);
  m.object_id = id;
  m.payload.operation_id = id;
  change(m);
  return Buffer.from(JSON.stringify(m));
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

describe('turnover load-stg (real PostgreSQL landing and warehouse)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('lands every live-feed fixture in STG with the expected rows, quarantines a malformed corpus with the right reasons and carries on past it', async () => {
    const { stagingUrl, warehouseUrl, env } = await migratedDatabases(t, 'stg_fixtures');
    const fixtures = fixtureValues();
    const corpus = malformedCorpus();
    // bad records between good ones: the load must continue past each of them
    const values: (Buffer | null)[] = [];
    fixtures.forEach((v, i) => {
      values.push(v);
      if (i % 16 === 5 && corpus[Math.floor(i / 16)]) values.push(corpus[Math.floor(i / 16)]!.value);
    });
    for (const c of corpus.slice(values.length - fixtures.length)) values.push(c.value);
    const landed = spread(TOPIC, values, 3);
    await land(stagingUrl, landed);

    const result = await loadStg(env, ['--chunk-size', '10']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`load-stg: ${landed.length} landed records`));

    // expected rows computed from the fixture files with JSON.parse and SPEC §2, not with our parser
    const messages = fixtures.map((v) => JSON.parse(v.toString('utf8')) as Json);
    const expectedTx = messages
      .filter((m) => m.object_type === 'TRANSACTION')
      .map((m) => {
        const p = m.payload;
        const type = p.transaction_type === 'authorisation' ? 'authorization' : p.transaction_type;
        return [p.operation_id, p.status, Number(p.amount), Number(p.account_number_from), Number(p.account_number_to), p.currency_code, p.country, type, second(p.transaction_dt), second(m.sent_dttm)].join('|');
      })
      .sort();
    const actualTx = (
      await queryRows<Json>(warehouseUrl, `select operation_id::text, status, amount, account_number_from, account_number_to, currency_code, country, transaction_type,
        to_char(transaction_dt, 'YYYY-MM-DD HH24:MI:SS') as dt, to_char(sent_dttm, 'YYYY-MM-DD HH24:MI:SS') as sent from stg.transactions`)
    )
      .map((r) => [r.operation_id, r.status, Number(r.amount), Number(r.account_number_from), Number(r.account_number_to), r.currency_code, r.country, r.transaction_type, r.dt, r.sent].join('|'))
      .sort();
    assert.ok(expectedTx.length > 100);
    assert.deepEqual(actualTx, expectedTx);

    const expectedCur = messages
      .filter((m) => m.object_type === 'CURRENCY')
      .map((m) => [m.payload.date_update.slice(0, 10), m.payload.currency_code, m.payload.currency_code_with, Number(m.payload.currency_with_div).toFixed(6)].join('|'))
      .sort();
    const actualCur = (await queryRows<Json>(warehouseUrl, 'select date_update::text, currency_code, currency_code_with, currency_with_div::text from stg.currencies'))
      .map((r) => [r.date_update, r.currency_code, r.currency_code_with, r.currency_with_div].join('|'))
      .sort();
    assert.ok(expectedCur.length > 0);
    assert.deepEqual(actualCur, expectedCur);

    // every malformed record is quarantined with its exact bytes, coordinates and reason
    const rejects = await queryRows<Json>(warehouseUrl, 'select src_topic, src_partition, src_offset, reason, value, detail, event_date::text from stg.rejects');
    assert.equal(rejects.length, corpus.length);
    for (const c of corpus) {
      const where = landed.find((l) => (l.value === null ? c.value === null : c.value !== null && l.value.equals(c.value)))!;
      const row = rejects.find((r) => r.src_partition === where.partition && Number(r.src_offset) === where.offset);
      assert.ok(row, `reject of ${c.reason} at ${where.partition}/${where.offset}`);
      assert.equal(row.reason, c.reason);
      assert.equal(row.src_topic, TOPIC);
      assert.ok(c.value === null ? row.value === null : Buffer.compare(row.value, c.value) === 0);
      assert.ok(String(row.detail).length > 0);
    }

    // nothing silently dropped: every landed record is a row, a duplicate or a reject; watermarks at the end
    assert.equal(actualTx.length + actualCur.length + rejects.length, landed.length);
    const state = await queryRows<Json>(warehouseUrl, 'select partition, next_offset from stg.load_state order by partition');
    assert.deepEqual(
      state.map((s) => [s.partition, Number(s.next_offset)]),
      [0, 1, 2].map((p) => [p, landed.filter((l) => l.partition === p).length]),
    );
    const days = (await queryRows<Json>(warehouseUrl, "select day::text from stg.touched_days where kind = 'transactions'")).map((r) => r.day);
    for (const m of messages.filter((x) => x.object_type === 'TRANSACTION')) assert.ok(days.includes(m.payload.transaction_dt.slice(0, 10)));

    // a second run finds nothing new and changes nothing
    const before = await stgSnapshot(warehouseUrl);
    const again = await loadStg(env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /load-stg: 0 landed records/);
    assert.deepEqual(await stgSnapshot(warehouseUrl), before);
  });

  it('gives identical STG for chunk sizes 1, 7 and 10,000, with redeliveries and conflicting versions', async () => {
    const fixtures = fixtureValues();
    const messages = fixtures.map((v) => JSON.parse(v.toString('utf8')) as Json);
    const txIndex = messages.findIndex((m) => m.object_type === 'TRANSACTION');
    const original = messages[txIndex]!;
    const later = structuredClone(original);
    later.payload.amount = Number(original.payload.amount) + 100;
    later.sent_dttm = '2030-01-01 00:00:00';
    const earlier = structuredClone(messages[txIndex + 3]!);
    earlier.payload.amount = Number(earlier.payload.amount) + 7;
    earlier.sent_dttm = '2000-01-01 00:00:00';
    const values: (Buffer | null)[] = [
      ...fixtures,
      ...malformedCorpus().map((c) => c.value),
      ...fixtures.slice(20, 30), // exact redeliveries
      Buffer.from(JSON.stringify(later)), // a newer, different version: replaces the stored one
      Buffer.from(JSON.stringify(earlier)), // an older, different version: loses
    ];
    const landed = spread(TOPIC, values, 3);
    const snapshots = [];
    for (const size of [1, 7, 10_000]) {
      const { stagingUrl, warehouseUrl, env } = await migratedDatabases(t, `stg_chunk_${size}`);
      await land(stagingUrl, landed);
      const result = await loadStg(env, ['--chunk-size', String(size)]);
      assert.equal(result.code, 0, result.stderr);
      snapshots.push(await stgSnapshot(warehouseUrl));
      if (size === 7) {
        // redeliveries reach keys an earlier chunk stored: those chunks take the lookup path, the others copy new keys directly
        const chunks = Number(/in (\d+) chunks/.exec(result.stdout)?.[1]);
        const lookups = Number(/(\d+) chunks looked up stored keys/.exec(result.stdout)?.[1] ?? 0);
        assert.ok(lookups > 0 && lookups < chunks, `both paths taken: ${result.stdout}`);
      }
    }
    assert.deepEqual(snapshots[1], snapshots[0]);
    assert.deepEqual(snapshots[2], snapshots[0]);

    const snapshot = snapshots[0]!;
    const stored = (snapshot.transactions as Json[]).find((r) => r.operation_id === original.payload.operation_id && r.status === original.payload.status)!;
    assert.equal(Number(stored.amount), Number(later.payload.amount), 'the later version wins');
    const kept = (snapshot.transactions as Json[]).find((r) => r.operation_id === earlier.payload.operation_id && r.status === earlier.payload.status)!;
    assert.equal(Number(kept.amount), Number(messages[txIndex + 3]!.payload.amount), 'an older version loses');
    assert.equal((snapshot.conflicts as Json[]).length, 2);
    assert.equal((snapshot.transactions as Json[]).length, messages.filter((m) => m.object_type === 'TRANSACTION').length);
  });

  it('writes a chunk that mixes stored and new keys like one load of everything: newer versions win, older lose, redeliveries collapse', async () => {
    const originals = fixtureValues()
      .map((v) => JSON.parse(v.toString('utf8')) as Json)
      .filter((m) => m.object_type === 'TRANSACTION')
      .slice(0, 12);
    const first = originals.map((m) => Buffer.from(JSON.stringify(m)));
    const changed = (m: Json, sent: string, amount: number): Buffer => Buffer.from(JSON.stringify({ ...m, sent_dttm: sent, payload: { ...m.payload, amount } }));
    // the second batch, one chunk: a newer and an older conflicting version, two exact redeliveries, new keys
    const second = [
      changed(originals[0]!, '2030-01-01 00:00:00', Number(originals[0]!.payload.amount) + 1),
      changed(originals[1]!, '2000-01-01 00:00:00', Number(originals[1]!.payload.amount) + 1),
      first[2]!,
      first[3]!,
      ...[1, 2, 3, 4, 5].map((n) => renamed(originals[n]!, uuid(5000 + n))),
    ];
    const stepwise = await migratedDatabases(t, 'stg_mixed');
    await land(stepwise.stagingUrl, spread(TOPIC, first, 1));
    assert.equal((await loadStg(stepwise.env)).code, 0);
    await land(stepwise.stagingUrl, spread(TOPIC, second, 1, first.length));
    const result = await loadStg(stepwise.env, ['--chunk-size', '10000']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /load-stg: 9 landed records in 1 chunks .*inserted 5, updated 1, duplicates 3, rejected 0, conflicts 2; 1 chunks looked up stored keys/);

    const stored = await queryRows<Json>(stepwise.warehouseUrl, 'select operation_id::text, status, amount from stg.transactions');
    const amountOf = (m: Json) => Number(stored.find((r) => r.operation_id === m.payload.operation_id && r.status === m.payload.status)?.amount);
    assert.equal(amountOf(originals[0]!), Number(originals[0]!.payload.amount) + 1, 'the newer version replaced the stored one');
    assert.equal(amountOf(originals[1]!), Number(originals[1]!.payload.amount), 'the older version lost');
    assert.equal(stored.length, originals.length + 5);

    const atOnce = await migratedDatabases(t, 'stg_mixed_once');
    await land(atOnce.stagingUrl, spread(TOPIC, [...first, ...second], 1));
    assert.equal((await loadStg(atOnce.env, ['--chunk-size', '10000'])).code, 0);
    assert.deepEqual(await stgSnapshot(stepwise.warehouseUrl), await stgSnapshot(atOnce.warehouseUrl));
  });

  it('loads a recreated topic\'s incarnation beside the old one: the same offsets are other records, the watermark is per incarnation, a later incarnation wins a tie', async () => {
    const messages = fixtureValues()
      .map((v) => JSON.parse(v.toString('utf8')) as Json)
      .filter((m) => m.object_type === 'TRANSACTION')
      .slice(0, 20);
    const old: (Buffer | null)[] = [Buffer.from('not json (incarnation 0)'), ...messages.map((m) => Buffer.from(JSON.stringify(m)))];
    const changed = (m: Json, sent: string, amount: number): Buffer => Buffer.from(JSON.stringify({ ...m, sent_dttm: sent, payload: { ...m.payload, amount } }));
    // the new topic starts again at offset 0: a reject there too, a version of messages[0] with the same sent_dttm
    // (a tie only the incarnation breaks: it wins although its offset is lower), an older one of messages[1] (loses),
    // an exact redelivery of messages[2], and new keys
    const fresh: (Buffer | null)[] = [
      Buffer.from('not json (incarnation 1)'),
      changed(messages[0]!, String(messages[0]!.sent_dttm), Number(messages[0]!.payload.amount) + 1),
      changed(messages[1]!, '2000-01-01 00:00:00', Number(messages[1]!.payload.amount) + 1),
      old[3]!,
      ...[1, 2, 3].map((n) => renamed(messages[n]!, uuid(7000 + n))),
    ];
    const records = [...spread(TOPIC, old, 1), ...spread(TOPIC, fresh, 1).map((r) => ({ ...r, incarnation: 1 }))];
    const snapshots = [];
    for (const size of [1, 10_000]) {
      const { stagingUrl, warehouseUrl, env } = await migratedDatabases(t, `stg_incarnations_${size}`);
      await land(stagingUrl, records);
      const result = await loadStg(env, ['--chunk-size', String(size)]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`load-stg: ${old.length + fresh.length} landed records in \\d+ chunks .*: inserted ${messages.length + 3}, updated 1, duplicates 2, rejected 2, conflicts 2`));
      snapshots.push(await stgSnapshot(warehouseUrl));
    }
    // incarnation 0 loaded first, the new one landed and loaded later: the same STG
    const stepwise = await migratedDatabases(t, 'stg_incarnations_stepwise');
    await land(stepwise.stagingUrl, spread(TOPIC, old, 1));
    assert.equal((await loadStg(stepwise.env)).code, 0);
    await land(stepwise.stagingUrl, spread(TOPIC, fresh, 1).map((r) => ({ ...r, incarnation: 1 })));
    assert.equal((await loadStg(stepwise.env)).code, 0);
    snapshots.push(await stgSnapshot(stepwise.warehouseUrl));
    assert.deepEqual(snapshots[1], snapshots[0]);
    assert.deepEqual(snapshots[2], snapshots[0]);

    const snapshot = snapshots[0]!;
    assert.deepEqual(snapshot.loadState, [
      { topic: TOPIC, incarnation: 0, partition: 0, next_offset: String(old.length) },
      { topic: TOPIC, incarnation: 1, partition: 0, next_offset: String(fresh.length) },
    ]);
    assert.deepEqual(
      (snapshot.rejects as Json[]).map((r) => [r.src_incarnation, r.src_offset, Buffer.from(r.value, 'hex').toString()]),
      [[0, '0', 'not json (incarnation 0)'], [1, '0', 'not json (incarnation 1)']],
      'two rejects at offset 0, one per incarnation',
    );
    const row = (m: Json) => (snapshot.transactions as Json[]).find((r) => r.operation_id === m.payload.operation_id && r.status === m.payload.status)!;
    assert.deepEqual([row(messages[0]!).src_incarnation, row(messages[0]!).src_offset, Number(row(messages[0]!).amount)], [1, '1', Number(messages[0]!.payload.amount) + 1]);
    assert.deepEqual([row(messages[1]!).src_incarnation, row(messages[1]!).src_offset], [0, '2'], 'an older version of the new incarnation loses');
    assert.deepEqual([row(messages[2]!).src_incarnation, row(messages[2]!).src_offset], [1, '3'], 'an exact redelivery with the same sent_dttm: the later incarnation is newer, the row moves to it');
    assert.deepEqual(
      (snapshot.conflicts as Json[]).map((c) => [c.kept_incarnation, c.kept_offset, c.other_incarnation, c.other_offset]).sort(),
      [[0, '2', 1, '2'], [1, '1', 0, '1']].sort(),
      'each logged conflict names both versions with their incarnations',
    );
  });

  it('quarantines records the contract accepts but STG cannot store, and carries on', async () => {
    const { stagingUrl, warehouseUrl, env } = await migratedDatabases(t, 'stg_unstorable');
    const messages = fixtureValues().map((v) => JSON.parse(v.toString('utf8')) as Json);
    const tx = messages.find((m) => m.object_type === 'TRANSACTION')!;
    const rate = messages.find((m) => m.object_type === 'CURRENCY')!;
    const bad = [
      { value: renamed(tx, uuid(1), (m) => (m.payload.currency_code = 3_000_000_000)), field: 'payload.currency_code' },
      { value: renamed(tx, uuid(2), (m) => (m.payload.country = 'can\u0000ada')), field: 'payload.country' },
      { value: Buffer.from(JSON.stringify({ ...rate, payload: { ...rate.payload, currency_with_div: 1e15 } })), field: 'payload.currency_with_div' },
      // positive, as the contract wants, but 0.000000 at numeric(20,6): stored, it would read as no rate (found by test/fuzz)
      { value: Buffer.from(JSON.stringify({ ...rate, payload: { ...rate.payload, currency_with_div: 2.5e-7 } })), field: 'payload.currency_with_div' },
    ];
    const good = renamed(tx, uuid(3));
    await land(stagingUrl, spread(TOPIC, [...bad.map((b) => b.value), good], 1));
    const result = await loadStg(env);
    assert.equal(result.code, 0, result.stderr);
    const rejects = await queryRows<Json>(warehouseUrl, 'select src_offset, reason, field, value from stg.rejects order by src_offset');
    assert.deepEqual(
      rejects.map((r) => [Number(r.src_offset), r.reason, r.field]),
      bad.map((b, i) => [i, 'wrong_type', b.field]),
    );
    bad.forEach((b, i) => assert.ok(Buffer.compare(rejects[i]!.value, b.value) === 0));
    assert.deepEqual(await queryRows(warehouseUrl, 'select operation_id::text from stg.transactions'), [{ operation_id: uuid(3) }]);
    assert.deepEqual(await queryRows(warehouseUrl, 'select * from stg.currencies'), []);
  });

  it('keeps a reject\'s exact Kafka timestamp when it falls outside years 0001-9999 (or timestamptz): null timestamp, the ms in the detail', async () => {
    const { stagingUrl, warehouseUrl, env } = await migratedDatabases(t, 'stg_kafka_timestamps');
    const tx = JSON.parse(fixtureValues()[2]!.toString('utf8')) as Json;
    const stamps = ['9223372036854775806', '-62135596800001', '1664582400000'];
    await queryRows(
      stagingUrl,
      `insert into raw.kafka_messages (topic, incarnation, partition, "offset", value, kafka_timestamp_ms, kafka_timestamp)
       select $1, 0, 0, o - 1, convert_to('not json ' || o, 'UTF8'), ms, case when o = 1 then null else to_timestamp(ms / 1000.0) end
       from unnest($2::bigint[]) with ordinality as s (ms, o)
       union all
       select $1, 0, 0, 3, $3::bytea, 9223372036854775806, null`,
      [TOPIC, stamps, renamed(tx, uuid(9))],
    );
    const result = await loadStg(env);
    assert.equal(result.code, 0, result.stderr);
    const rejects = await queryRows<Json>(warehouseUrl, `select src_offset, detail, kafka_timestamp, event_date::text as day from stg.rejects order by src_offset`);
    // no business date and no storable Kafka timestamp: dated 1970-01-01 by convention, the same on every run
    assert.deepEqual(
      rejects.map((r) => [Number(r.src_offset), r.kafka_timestamp?.toISOString() ?? null, r.day]),
      [[0, null, '1970-01-01'], [1, null, '1970-01-01'], [2, '2022-10-01T00:00:00.000Z', '2022-10-01']],
    );
    assert.match(rejects[0]!.detail, /\(Kafka timestamp 9223372036854775806 ms, outside years 0001-9999\)$/);
    assert.match(rejects[1]!.detail, /\(Kafka timestamp -62135596800001 ms, outside years 0001-9999\)$/);
    assert.doesNotMatch(rejects[2]!.detail, /Kafka timestamp/);
    // a valid transaction whatever its Kafka timestamp: STG does not keep that timestamp for it
    assert.deepEqual(await queryRows(warehouseUrl, 'select operation_id::text from stg.transactions'), [{ operation_id: uuid(9) }]);
  });

  it('marks an old day as touched when its records arrive after newer days were loaded', async () => {
    const { stagingUrl, warehouseUrl, env } = await migratedDatabases(t, 'stg_late');
    const fixtures = fixtureValues();
    await land(stagingUrl, spread(TOPIC, fixtures, 2));
    assert.equal((await loadStg(env)).code, 0);
    const days = (await queryRows<Json>(warehouseUrl, 'select day::text from stg.touched_days')).map((r) => r.day).sort();
    assert.ok(days.length > 0 && days[0] > '2022-09-15');
    await queryRows(warehouseUrl, 'delete from stg.touched_days'); // the marts consumed the queue

    const base = fixtures.map((v) => JSON.parse(v.toString('utf8')) as Json).find((m) => m.object_type === 'TRANSACTION')!;
    const late = renamed(base, uuid(999), (m) => {
      m.payload.transaction_dt = '2022-09-15 10:00:00';
    });
    await land(stagingUrl, spread(TOPIC, [late], 2, 1000));
    assert.equal((await loadStg(env)).code, 0);
    assert.deepEqual(await queryRows(warehouseUrl, 'select day::text, kind from stg.touched_days'), [{ day: '2022-09-15', kind: 'transactions' }]);
  });

  it('aborts a chunk whose counts do not reconcile (injected mismatch) and leaves STG and the watermark untouched', async () => {
    const { stagingUrl, warehouseUrl, env } = await migratedDatabases(t, 'stg_reconcile');
    const landed = spread(TOPIC, fixtureValues(), 1);
    await land(stagingUrl, landed);
    const failed = await loadStg({ ...env, TURNOVER_FAULT_INJECT: 'reconciliation-mismatch' });
    assert.equal(failed.code, 7, failed.stderr);
    assert.match(failed.stderr, /does not reconcile, rolled back: landing holds \d+ records in offsets 0\.\.\d+ but \d+ were accounted for/);
    for (const table of ['transactions', 'currencies', 'rejects', 'load_state', 'touched_days']) {
      assert.deepEqual(await queryRows(warehouseUrl, `select count(*)::int as n from stg.${table}`), [{ n: 0 }], table);
    }
    const ok = await loadStg(env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(await queryRows(warehouseUrl, 'select next_offset::int as n from stg.load_state'), [{ n: landed.length }]);
  });

  it('purges only landed records that STG has loaded, and only past the retention', async () => {
    const { stagingUrl, warehouseUrl, env } = await migratedDatabases(t, 'stg_purge');
    const fixtures = fixtureValues();
    await land(stagingUrl, [...spread('topic-a', fixtures.slice(0, 40), 2), ...spread('topic-b', fixtures.slice(40, 80), 2)]);
    const count = async (topic: string) => (await queryRows<Json>(stagingUrl, 'select count(*)::int as n from raw.kafka_messages where topic = $1', [topic]))[0]!.n;

    // retention of 1 day: everything landed just now, nothing may go
    let result = await loadStg(env, ['--topic', 'topic-a', '--purge-landed-older-than', '1']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await count('topic-a'), 40);
    // retention 0: topic-a's loaded records go; topic-b was never loaded and stays whole
    result = await loadStg(env, ['--topic', 'topic-a', '--purge-landed-older-than', '0']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /purged 40 loaded records/);
    assert.equal(await count('topic-a'), 0);
    assert.equal(await count('topic-b'), 40);

    // below a watermark only: records at or past it are never deleted
    const reader = new LandingReader(stagingUrl, silentLogger());
    try {
      assert.equal(await reader.purgeLoaded({ topic: 'topic-b', incarnation: 0, partition: 0 }, 5, 0), 5);
      const left = await queryRows<Json>(stagingUrl, `select min("offset")::int as lo, count(*)::int as n from raw.kafka_messages where topic = 'topic-b' and partition = 0`);
      assert.deepEqual(left, [{ lo: 5, n: 15 }]);
    } finally {
      await reader.close();
    }
    // topic-a stays fully loaded in STG after its landing rows are gone
    assert.deepEqual(await queryRows(warehouseUrl, "select sum(next_offset)::int as n from stg.load_state where topic = 'topic-a'"), [{ n: 40 }]);
  });

  it('after SIGKILL during a load, a rerun gives STG identical to a clean single run', async () => {
    const messages = fixtureValues().map((v) => JSON.parse(v.toString('utf8')) as Json);
    const transactions = messages.filter((m) => m.object_type === 'TRANSACTION');
    const values: Buffer[] = [];
    for (let i = 0; i < 30_000; i++) values.push(renamed(transactions[i % transactions.length]!, uuid(i)));
    values.push(...fixtureValues());
    const landed = spread(TOPIC, values, 3);

    const clean = await migratedDatabases(t, 'stg_clean');
    await land(clean.stagingUrl, landed);
    assert.equal((await loadStg(clean.env, ['--chunk-size', '500'])).code, 0);

    const killed = await migratedDatabases(t, 'stg_killed');
    await land(killed.stagingUrl, landed);
    const child = spawn(process.execPath, [CLI, 'load-stg', '--until-caught-up', '--chunk-size', '500'], {
      env: { ...process.env, ...killed.env, TURNOVER_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let loadedBeforeKill = 0;
    for (let i = 0; i < 600 && loadedBeforeKill < 3000; i++) {
      await sleep(50);
      loadedBeforeKill = (await queryRows<Json>(killed.warehouseUrl, 'select coalesce(sum(next_offset), 0)::int as n from stg.load_state'))[0]!.n;
    }
    child.kill('SIGKILL');
    await exited;
    assert.ok(loadedBeforeKill > 0 && loadedBeforeKill < landed.length, `killed mid-load (${loadedBeforeKill} of ${landed.length})`);

    const rerun = await loadStg(killed.env, ['--chunk-size', '500']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.deepEqual(await stgSnapshot(killed.warehouseUrl), await stgSnapshot(clean.warehouseUrl));
  });
});
