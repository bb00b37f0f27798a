import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { liveFeedTemplates } from '../ingest/feed.js';
import { migrateLanding, waitFor, withClient } from '../ingest/ingest-harness.js';
import { useStack, type TestStack } from '../support/stack.js';
import { RawProducer, type RawRecord } from '../support/raw-producer.js';
import { HEADERS_AS_HEX_PAIRS, SparkIngestProcess } from './spark-harness.js';

/**
 * Issue 16 for `--engine spark`: a record PostgreSQL refuses (a data
 * exception, a program limit, a constraint, also one checked only at commit)
 * goes to raw.landing_rejects with its reason, SQLSTATE and bytes, in the
 * transaction that moves the offsets past it; the records around it land, and
 * the job keeps going. The refusals are real: triggers and constraints this
 * test installs in its own database. A connection PostgreSQL terminates
 * (SQLSTATE 57P01) is retried, not quarantined and not fatal.
 */
describe('turnover ingest --engine spark quarantines what PostgreSQL refuses (real Spark, Kafka, PostgreSQL)', () => {
  let t: TestStack;
  let raw: RawProducer;
  before(async () => {
    t = await useStack();
    raw = new RawProducer(t.kafka);
  });
  after(async () => {
    raw?.close();
    await t?.release();
  });

  it('refused rows land in raw.landing_rejects with the offsets, the rest lands, a terminated connection is retried', async (ctx) => {
    const topic = await t.freshTopic('spark_quarantine', 2);
    const { stagingUrl } = await t.freshDatabases('spark_quarantine');
    await migrateLanding(stagingUrl);
    await withClient(stagingUrl, (c) => c.query(REFUSALS_SQL));

    // marked records at the first, last and consecutive offsets of partitions and batches
    const marks = new Map<string, Mark>([
      ['0/0', 'poison'], ['0/299', 'limit'], ['0/300', 'check'], ['0/450', 'keep-nothing'], ['0/599', 'deferred'],
      ['0/700', 'poison'], ['0/1199', 'limit'],
      ['1/100', 'poison'], ['1/101', 'poison'], ['1/102', 'check'], ['1/399', 'deferred'], ['1/799', 'poison'],
    ]);
    const sent = new Map<number, RawRecord[]>([[0, []], [1, []]]);
    const produce = async (partition: number, count: number): Promise<void> => {
      const from = sent.get(partition)!.length;
      const records = Array.from({ length: count }, (_, i) => recordAt(partition, from + i, marks.get(`${partition}/${from + i}`)));
      await raw.produce(topic, partition, records);
      sent.get(partition)!.push(...records);
    };
    const settled = async (): Promise<boolean> => {
      const { landed, rejected } = await counts(stagingUrl, topic);
      return landed + rejected >= sent.get(0)!.length + sent.get(1)!.length;
    };

    await produce(0, 600);
    await produce(1, 400);
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'quarantine' };
    const spark = new SparkIngestProcess(env, ['--conf', 'spark.turnover.maxRecordsPerBatch=300']);
    try {
      await waitFor('the first records to land or be quarantined', settled, 240_000);
      // PostgreSQL ends the job's connection (SQLSTATE 57P01): an outage, retried
      const terminated = await withClient(stagingUrl, async (c) =>
        (await c.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'turnover-ingest-spark' and datname = current_database()")).rowCount,
      );
      assert.equal(terminated, 1, 'the job had its connection open');
      await produce(0, 600);
      await produce(1, 400);
      await waitFor('the rest to land or be quarantined', settled, 240_000);
      assert.equal(spark.child.exitCode, null, `the job exited: ${spark.stderr.slice(-2000)}`);
    } finally {
      assert.equal((await spark.terminate()).code, 0, spark.stderr.slice(-3000));
    }

    const landed = await withClient(stagingUrl, async (c) => (await c.query('select partition, "offset"::int as offset, key, value from raw.kafka_messages where topic = $1', [topic])).rows);
    const rejects = await withClient(stagingUrl, async (c) =>
      (await c.query(
        `select partition, "offset"::int as offset, reason, sqlstate, detail, key, value, value_length::int as value_length, kafka_timestamp_ms::text as timestamp_ms,
                ${HEADERS_AS_HEX_PAIRS} as headers
         from raw.landing_rejects where topic = $1`,
        [topic],
      )).rows,
    );
    const at = (p: number, o: number) => `${p}/${o}`;
    const landedAt = new Map(landed.map((r) => [at(r.partition, r.offset), r]));
    const rejectedAt = new Map(rejects.map((r) => [at(r.partition, r.offset), r]));
    for (const [partition, records] of sent) {
      records.forEach((record, offset) => {
        const where = at(partition, offset);
        const mark = marks.get(where);
        if (mark === undefined) {
          assert.ok(!rejectedAt.has(where), `${where} is not quarantined`);
          assert.deepEqual(landedAt.get(where)?.value, Buffer.from(record.value!), `${where} landed byte-exact`);
          return;
        }
        assert.ok(!landedAt.has(where), `${where} (${mark}) did not land`);
        const reject = rejectedAt.get(where);
        assert.ok(reject, `${where} (${mark}) is quarantined`);
        const [reason, sqlstate] = EXPECTED[mark];
        assert.equal(reject.reason, reason, `reason of ${where}`);
        assert.equal(reject.sqlstate, sqlstate, `SQLSTATE of ${where}`);
        assert.match(reject.detail, /^PostgreSQL refused the row: /, `detail of ${where}`);
        assert.deepEqual(reject.key, Buffer.from(record.key!), `key of ${where}`);
        assert.equal(reject.value_length, Buffer.byteLength(record.value!), `value length of ${where}`);
        if (mark === 'keep-nothing') {
          assert.equal(reject.value, null, 'raw.landing_rejects refused its value: kept without it');
          assert.match(reject.detail, /\(the value could not be kept either\)$/);
        } else {
          assert.deepEqual(reject.value, Buffer.from(record.value!), `value of ${where}`);
        }
        assert.deepEqual(reject.headers, record.headers!.map(([n, v]) => [Buffer.from(n!).toString('hex'), v === null ? null : Buffer.from(v).toString('hex')]), `headers of ${where}`);
        assert.equal(reject.timestamp_ms, String(record.timestamp), `kafka_timestamp_ms of ${where}`);
      });
    }
    assert.equal(rejects.length, marks.size);
    assert.equal(landed.length + rejects.length, 2000, 'every record once, in one table or the other');
    assert.deepEqual(
      await withClient(stagingUrl, async (c) => (await c.query('select partition, next_offset::int as n from raw.consumer_offsets where topic = $1 order by partition', [topic])).rows),
      [{ partition: 0, n: 1200 }, { partition: 1, n: 800 }],
    );

    const quarantined = spark.logs.filter((l) => String(l.msg).includes('quarantined in raw.landing_rejects')).map((l) => at(Number(l.partition), Number(l.offset)));
    assert.deepEqual([...quarantined].sort(), [...marks.keys()].sort(), 'one warning per quarantined record, none twice');
    const retried = spark.logs.filter((l) => l.level === 40 && /PostgreSQL unavailable: .*; retrying batch/.test(String(l.msg)));
    assert.ok(retried.length >= 1, 'the terminated connection was retried');
    const otherWarnings = spark.logs.filter((l) => l.level === 40 && !String(l.msg).includes('quarantined in raw.landing_rejects') && !retried.includes(l));
    assert.deepEqual(otherWarnings, []);
    ctx.diagnostic(`retried after the terminated connection: ${String(retried[0]?.msg)}`);
  });
});

type Mark = 'poison' | 'limit' | 'check' | 'keep-nothing' | 'deferred';

const EXPECTED: Record<Mark, [reason: string, sqlstate: string]> = {
  poison: ['data_error', '22023'],
  limit: ['program_limit', '54000'],
  check: ['constraint_violation', '23514'],
  'keep-nothing': ['data_error', '22023'],
  deferred: ['constraint_violation', '23514'],
};

/**
 * The refusals: triggers raising a data exception and a program limit, a
 * check constraint, a constraint trigger deferred to the commit, and a
 * trigger on raw.landing_rejects that refuses one reject's value. One
 * trigger function: TG_ARGV holds the SQLSTATE, then the values it refuses.
 */
const REFUSALS_SQL = `
create function raw.refuse_values() returns trigger language plpgsql as $$
begin
  if new.value = any (select convert_to(v, 'UTF8') from unnest(tg_argv[1:]) as v) then
    raise exception '% refused the record with key %', tg_name, convert_from(new.key, 'UTF8') using errcode = tg_argv[0];
  end if;
  return new;
end $$;
create trigger refuse_data before insert on raw.kafka_messages
  for each row execute function raw.refuse_values('22023', 'poison', 'keep-nothing');
create trigger refuse_limit before insert on raw.kafka_messages
  for each row execute function raw.refuse_values('54000', 'limit');
alter table raw.kafka_messages add constraint refuse_check check (value is distinct from 'check'::bytea);
create constraint trigger refuse_at_commit after insert on raw.kafka_messages deferrable initially deferred
  for each row execute function raw.refuse_values('23514', 'deferred');
create trigger refuse_reject_value before insert on raw.landing_rejects
  for each row execute function raw.refuse_values('54000', 'keep-nothing');
`;

const HEADERS: readonly (readonly [string | Buffer, string | Buffer | null])[] = [
  ['constructor', null],
  [Buffer.from('n\0'), Buffer.from([0xff, 0])],
  ['constructor', 'again'],
];

// recent: the broker's time-based retention would delete old records under the test
const BASE_TIMESTAMP = Date.now() - 3_600_000;

function recordAt(partition: number, offset: number, mark: Mark | undefined): RawRecord {
  const templates = liveFeedTemplates();
  const timestamp = BigInt(BASE_TIMESTAMP + partition * 100_000 + offset);
  if (mark === undefined) return { key: `r-${partition}-${offset}`, value: templates[offset % templates.length]!, timestamp };
  return { key: `marked-${partition}-${offset}`, value: mark, headers: HEADERS, timestamp };
}

async function counts(url: string, topic: string): Promise<{ landed: number; rejected: number }> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      'select (select count(*) from raw.kafka_messages where topic = $1)::int as landed, (select count(*) from raw.landing_rejects where topic = $1)::int as rejected',
      [topic],
    );
    return rows[0] as { landed: number; rejected: number };
  });
}
