import assert from 'node:assert/strict';
import { freePort, groupOffsets, IngesterProcess, waitFor } from '../ingest/ingest-harness.js';
import { duplicateKeyRefusals, ingestMetric } from '../ingest/landing-proof.js';
import { SparkIngestProcess } from '../spark/spark-harness.js';
import { runCli, type CliResult } from '../support/cli.js';
import { createAnyTimestampTopic, RawProducer } from '../support/raw-producer.js';
import type { TestStack } from '../support/stack.js';
import { PARTITIONS, type Engine, type FuzzRecord } from './records.js';

/** A record as the broker acknowledged it: where it is in the log, and in which wave it was produced. */
export interface Produced extends FuzzRecord {
  readonly offset: number;
  readonly wave: number;
}

interface Ingester {
  running(): boolean;
  /** Log lines at warning level or above (a quarantined row, a retry, an error). */
  warnings(): string[];
  /** Counters that must stay 0 (the Node engine's metrics; Spark counts neither, PostgreSQL's log does). */
  zeroCounters(): Promise<Record<string, number>>;
  /** SIGTERM, as an operator stops it: resolves with the exit status. */
  stop(): Promise<number | null>;
  tail(): string;
}

async function startIngester(engine: Engine, env: Record<string, string>): Promise<Ingester> {
  if (engine === 'node') {
    const port = await freePort();
    const ingester = new IngesterProcess(env, ['--metrics-port', String(port)]);
    return {
      running: () => ingester.child.exitCode === null && ingester.child.signalCode === null,
      warnings: () => ingester.logs.filter((l) => Number(l.level) >= 40).map((l) => String(l.msg)),
      zeroCounters: async () => ({
        turnover_ingest_conflicts_total: await ingestMetric(port, 'turnover_ingest_conflicts_total'),
        turnover_ingest_primary_key_hits_total: await ingestMetric(port, 'turnover_ingest_primary_key_hits_total'),
      }),
      stop: async () => (await ingester.kill('SIGTERM')).code,
      tail: () => ingester.stderr.slice(-3000),
    };
  }
  const spark = new SparkIngestProcess(env);
  return {
    running: () => spark.child.exitCode === null && spark.child.signalCode === null,
    warnings: () => spark.logs.filter((l) => Number(l.level) >= 40).map((l) => String(l.msg)),
    zeroCounters: async () => ({}),
    stop: async () => (await spark.terminate()).code,
    tail: () => spark.stderr.slice(-3000),
  };
}

/**
 * One run of the real pipeline on a fresh topic, landing and warehouse: the
 * CLI's `migrate`, `ingest` (node or spark, running the whole time),
 * `load-stg --until-caught-up` and `build-marts` as child processes; records
 * produced by the raw producer. Every command's exit status is asserted
 * where it happens.
 */
export class PipelineRun {
  readonly produced: Produced[] = [];
  readonly #ends = new Map<number, number>();
  #wave = 0;

  private constructor(
    readonly engine: Engine,
    readonly topic: string,
    readonly stagingUrl: string,
    readonly warehouseUrl: string,
    readonly env: Record<string, string>,
    readonly ingester: Ingester,
    readonly producer: RawProducer,
    readonly group: string,
  ) {}

  static async start(t: TestStack, engine: Engine, run: number): Promise<PipelineRun> {
    const label = `fuzz_${engine}_${run}`;
    const topic = await createAnyTimestampTopic(t.kafka, `${label}_${process.pid}_${Date.now().toString(36)}`, PARTITIONS);
    const { stagingUrl, warehouseUrl } = await t.freshDatabases(label);
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_WAREHOUSE_URL: warehouseUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: label };
    const migrated = await runCli(['migrate'], { env });
    assert.equal(migrated.code, 0, `migrate: ${migrated.stderr}`);
    const ingester = await startIngester(engine, env);
    return new PipelineRun(engine, topic, stagingUrl, warehouseUrl, env, ingester, new RawProducer(t.kafka), label);
  }

  /** Produces one wave (per partition in order, few batches) and waits until the ingester has landed all of it. */
  async produceAndLand(records: readonly FuzzRecord[]): Promise<void> {
    const wave = this.#wave++;
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const mine = records.filter((r) => r.partition === partition);
      if (mine.length === 0) continue;
      const offsets = await this.producer.produce(this.topic, partition, mine);
      mine.forEach((r, i) => this.produced.push({ ...r, offset: offsets[i]!, wave }));
      this.#ends.set(partition, offsets[offsets.length - 1]! + 1);
    }
    const landed = async (): Promise<boolean> => {
      assert.ok(this.ingester.running(), `the ${this.engine} ingester exited: ${this.ingester.tail()}`);
      const stored = await groupOffsets(this.stagingUrl, this.group, this.topic);
      return [...this.#ends].every(([p, end]) => (stored.get(p) ?? 0) >= end);
    };
    await waitFor(`wave ${wave} to land (${this.engine})`, landed, this.engine === 'spark' ? 300_000 : 120_000);
  }

  /** `turnover load-stg --until-caught-up`: exit 0, and no record needed isolation. */
  async loadStg(chunkSize: number): Promise<CliResult> {
    const loaded = await runCli(['load-stg', '--until-caught-up', '--chunk-size', String(chunkSize)], { env: this.env, timeoutMs: 300_000 });
    assert.equal(loaded.code, 0, `load-stg: ${loaded.stderr}`);
    assert.doesNotMatch(loaded.stdout, /refused by the warehouse/, 'every record parsed into something STG holds: no isolation');
    return loaded;
  }

  /** `turnover build-marts` from the queue: exit 0, no day refused. */
  async buildMarts(daysPerTransaction: number): Promise<CliResult> {
    const built = await runCli(['build-marts', '--days-per-transaction', String(daysPerTransaction)], { env: this.env, timeoutMs: 300_000 });
    assert.equal(built.code, 0, `build-marts: ${built.stderr}`);
    assert.doesNotMatch(built.stdout, /refused/, 'no day refused for its data');
    return built;
  }

  /** The ingester kept going, counted no conflict and no primary-key hit, and stops with exit 0. */
  async stopIngester(t: TestStack): Promise<void> {
    assert.ok(this.ingester.running(), `the ${this.engine} ingester exited: ${this.ingester.tail()}`);
    for (const [counter, value] of Object.entries(await this.ingester.zeroCounters())) assert.equal(value, 0, `${counter} is ${value}: the offset fence alone must keep every record once, never a conflict's re-read nor the primary key`);
    assert.equal(await this.ingester.stop(), 0, `the ${this.engine} ingester's exit status on SIGTERM: ${this.ingester.tail()}`);
    assert.deepEqual(this.ingester.warnings(), [], 'the ingester warned of nothing: no quarantine, no retry');
    // the fence alone kept every record once: PostgreSQL never refused one as a duplicate
    assert.equal(await duplicateKeyRefusals(t, this.topic), 0, 'duplicate-key refusals in PostgreSQL\'s log');
  }

  async close(): Promise<void> {
    this.producer.close();
    if (this.ingester.running()) await this.ingester.stop();
  }
}
