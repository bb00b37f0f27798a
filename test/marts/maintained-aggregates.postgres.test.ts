import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { silentLogger } from '../../src/log/logger.js';
import { contiguousRuns } from '../../src/marts/days.js';
import { buildMarts } from '../../src/marts/index.js';
import { foldChanges } from '../../src/marts/maintained-aggregates.js';
import { verifyMaintained } from '../../src/marts/verify.js';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { freshPipeline, landAndLoad, martSnapshot, queryRows, type MartDatabases } from './marts-support.js';

/**
 * Incremental maintenance against the full rebuild, its referee (issue 23):
 * seeded random cycles of new events, redeliveries, corrections (winning or
 * losing by sent_dttm), test accounts, unknown types, late events, late and corrected rates, a load killed
 * inside its transaction and a build that died after its fold. Each cycle
 * goes through the real landing, load-stg and a queue build (which takes
 * currency_daily from the maintained totals); then every mart must equal what
 * a full rebuild of every built day from STG writes (one interval per run of
 * consecutive built days), and build-marts' verify
 * must find the aggregates equal to STG. Real PostgreSQL of the test stack.
 */

const DAYS = ['2023-03-01', '2023-03-02', '2023-03-03', '2023-03-04'] as const;
const CURRENCIES = [
  { code: 410, country: 'canada' },
  { code: 420, country: 'usa' },
  { code: 440, country: 'italy' },
] as const;
const STATUSES = ['done', 'done', 'done', 'chargeback', 'queued'] as const;

interface EventAction {
  readonly kind: 'event';
  /** Small pools, so (operation, status) keys repeat: corrections and conflicts. */
  readonly operation: number;
  readonly status: (typeof STATUSES)[number];
  readonly day: number;
  readonly currency: number;
  /** -1: a test account. */
  readonly account: number;
  readonly amount: number;
  /** A transaction type the contract does not know (kept in STG, counted in data quality). */
  readonly unknownType: boolean;
  /** Sent the next day (late), else during its day; the seconds order versions of one key. */
  readonly late: boolean;
  readonly sentSecond: number;
}
interface RateAction {
  readonly kind: 'rate';
  readonly day: number;
  readonly currency: 410 | 440;
  readonly microRate: number;
  readonly sentSecond: number;
}
type Action = EventAction | RateAction | { readonly kind: 'redeliver'; readonly pick: number } | { readonly kind: 'killed-load' } | { readonly kind: 'fold-then-crash' };

const event: fc.Arbitrary<Action> = fc.record({
  kind: fc.constant('event' as const),
  operation: fc.integer({ min: 1, max: 10 }),
  status: fc.constantFrom(...STATUSES),
  day: fc.integer({ min: 0, max: DAYS.length - 1 }),
  currency: fc.integer({ min: 0, max: CURRENCIES.length - 1 }),
  account: fc.constantFrom(-1, 1, 2, 3, 4),
  amount: fc.oneof(fc.constant(0), fc.integer({ min: -5_000_000, max: 5_000_000 })),
  unknownType: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  late: fc.boolean(),
  sentSecond: fc.integer({ min: 0, max: 3600 }),
});
const rate: fc.Arbitrary<Action> = fc.record({
  kind: fc.constant('rate' as const),
  day: fc.integer({ min: 0, max: DAYS.length - 1 }),
  currency: fc.constantFrom(410 as const, 440 as const),
  microRate: fc.integer({ min: 1, max: 3_000_000 }),
  sentSecond: fc.integer({ min: 0, max: 3600 }),
});
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: event, weight: 8 },
  { arbitrary: rate, weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'killed-load' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'fold-then-crash' as const }), weight: 1 },
);
const cycles = fc.array(fc.array(action, { minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 4 });

const uuid = (n: number): string => `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`;
const sent = (day: string, late: boolean, second: number): string => {
  const at = new Date(Date.parse(`${day}T12:00:00Z`) + (late ? 86_400_000 : 0) + second * 1000);
  return at.toISOString().slice(0, 19);
};

function eventMessage(a: EventAction): Buffer {
  const day = DAYS[a.day]!;
  const currency = CURRENCIES[a.currency]!;
  const id = uuid(a.operation);
  return Buffer.from(
    JSON.stringify({
      object_id: id,
      object_type: 'TRANSACTION',
      sent_dttm: sent(day, a.late, a.sentSecond),
      payload: {
        operation_id: id,
        account_number_from: 903810,
        account_number_to: a.account,
        currency_code: currency.code,
        country: currency.country,
        status: a.status,
        transaction_type: a.unknownType ? 'mystery_transfer' : a.amount < 0 ? 'sbp_outgoing' : 'sbp_incoming',
        amount: a.amount,
        transaction_dt: `${day} 11:00:00`,
      },
    }),
  );
}

function rateMessage(a: RateAction): Buffer {
  const day = DAYS[a.day]!;
  return Buffer.from(
    JSON.stringify({
      object_id: uuid(1_000_000 + a.day * 1000 + a.currency),
      object_type: 'CURRENCY',
      sent_dttm: sent(day, false, a.sentSecond),
      payload: { date_update: `${day} 00:00:00`, currency_code: a.currency, currency_code_with: 420, currency_with_div: a.microRate / 1e6 },
    }),
  );
}

/** A loader's transaction killed after it wrote a counted transaction (and so its change) into STG. */
async function killedLoad(warehouseUrl: string): Promise<void> {
  const victim = new pg.Client({ connectionString: warehouseUrl });
  await victim.connect();
  victim.on('error', () => undefined);
  const { rows } = await victim.query<{ pid: number }>('select pg_backend_pid() as pid');
  await victim.query('begin');
  await victim.query(
    `insert into stg.transactions (operation_id, status, object_id, account_number_from, account_number_to, currency_code, country,
       transaction_type, amount, transaction_dt, transaction_date, sent_dttm, src_topic, src_partition, src_offset)
     values ($1, 'done', $1, 903810, 7, 410, 'canada', 'sbp_incoming', 123456, $2::date + time '10:00', $2::date, $2::date + time '10:00', 'killed', 0, 0)`,
    [uuid(999_999), DAYS[1]],
  );
  const { rows: logged } = await victim.query<{ n: string }>('select count(*) as n from stg.counted_changes');
  assert.ok(Number(logged[0]!.n) > 0, 'the insert logged its change in its own transaction');
  await queryRows(warehouseUrl, 'select pg_terminate_backend($1)', [rows[0]!.pid]);
  await victim.end().catch(() => undefined);
}

/** The built days as runs of consecutive days: a queue build leaves an unbuilt day between two built ones unbuilt (no gap fill after a day). */
async function builtRuns(url: string): Promise<[string, string][]> {
  const rows = await queryRows<{ day: string }>(url, 'select date_update::text as day from cdm.build_days order by 1');
  return contiguousRuns(rows.map((r) => r.day));
}

describe('incremental marts: maintained aggregates equal the full rebuild after every cycle', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('random inserts, redeliveries, corrections, late events and rates, a killed load, a build that died after its fold', { timeout: 900_000 }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(cycles, async (plan) => {
        run += 1;
        const db: MartDatabases = await freshPipeline(t, `marts_maintained_${run}`);
        const warehouse: Warehouse = await openWarehouse(db.warehouseUrl, silentLogger());
        try {
          const sentSoFar: Buffer[] = [];
          for (const [cycle, actions] of plan.entries()) {
            const values: Buffer[] = [];
            let foldThenCrash = false;
            for (const a of actions) {
              if (a.kind === 'event') values.push(eventMessage(a));
              else if (a.kind === 'rate') values.push(rateMessage(a));
              else if (a.kind === 'redeliver') {
                if (sentSoFar.length > 0) values.push(sentSoFar[a.pick % sentSoFar.length]!);
              } else if (a.kind === 'killed-load') await killedLoad(db.warehouseUrl);
              else foldThenCrash = true;
            }
            sentSoFar.push(...values);
            if (values.length > 0) await landAndLoad(db, values);
            // a build that committed its fold and died before any day: the queue still holds its days
            if (foldThenCrash) await foldChanges(warehouse);
            await buildMarts(warehouse, { daysPerTransaction: 1, parallel: 2 }, silentLogger());
            const incremental = await martSnapshot(db.warehouseUrl);

            const differences = await verifyMaintained(warehouse, '0001-01-01', '9999-12-31');
            assert.deepEqual(differences, [], `cycle ${cycle}: the maintained aggregates equal STG`);

            const runs = await builtRuns(db.warehouseUrl);
            for (const [from, to] of runs) await buildMarts(warehouse, { interval: { from, to }, daysPerTransaction: 1, parallel: 2 }, silentLogger());
            assert.deepEqual(await martSnapshot(db.warehouseUrl), incremental, `cycle ${cycle}: the queue build equals a full rebuild of ${runs.map((r) => r.join('..')).join(', ')}`);
          }
        } finally {
          await warehouse.close();
        }
      }),
      { seed: 23, numRuns: 12, endOnFailure: true },
    );
  });

  it('build-marts --verify: exit 0 on maintained aggregates, exit 7 with the first difference on a broken one, exit 2 beside --dry-run', { timeout: 300_000 }, async () => {
    const db = await freshPipeline(t, 'marts_maintained_verify');
    await landAndLoad(db, [
      eventMessage({ kind: 'event', operation: 1, status: 'done', day: 0, currency: 0, account: 3, amount: 12_345, unknownType: false, late: false, sentSecond: 0 }),
      eventMessage({ kind: 'event', operation: 2, status: 'chargeback', day: 1, currency: 2, account: 4, amount: -500, unknownType: true, late: true, sentSecond: 0 }),
    ]);
    const ok = await runCli(['build-marts', '--verify'], { env: db.env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'verified every day: the maintained aggregates equal STG\n');
    const interval = await runCli(['build-marts', '--verify', '--from', DAYS[0], '--to', DAYS[0]], { env: db.env });
    assert.equal(interval.stdout, `verified ${DAYS[0]}..${DAYS[0]}: the maintained aggregates equal STG\n`);

    await queryRows(db.warehouseUrl, 'update cdm.account_daily set amount_minor = amount_minor + 1');
    const broken = await runCli(['build-marts', '--verify'], { env: db.env });
    assert.equal(broken.code, 7, broken.stderr);
    // only the account rows were broken, not the currency totals folded beside them
    assert.equal(broken.stderr, `turnover: build-marts --verify: the maintained aggregates differ from STG over every day: ${DAYS[0]} currency 410 account 3: STG 1 transactions, 12345 minor units, maintained 1 transactions, 12346 minor units\n`);

    const usage = await runCli(['build-marts', '--verify', '--dry-run'], { env: db.env });
    assert.equal(usage.code, 2);
  });
});
