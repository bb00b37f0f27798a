import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { after, before } from 'node:test';
import { useStack, type TestStack } from './stack.js';

/**
 * A Kafka-aware relay to a real broker, for fault tests that need a broker
 * answer at a precise moment: "not the leader" on ListOffsets, as a broker
 * says right after a restart or a topic creation while its partitions load.
 * Waiting for that window on a real restart is a matter of luck; here the
 * real broker answers and the relay rewrites the answer.
 *
 * It reads Kafka's framing (a 4-byte size, then the request header: api key,
 * version, correlation id) to pair answers with requests, and rewrites two
 * kinds of answers in the non-flexible versions kafkajs speaks:
 *  - Metadata (v0–v8): the broker's port becomes the relay's, so a client
 *    that bootstraps here keeps every connection on the relay;
 *  - ListOffsets (v0–v5): while faults are scripted, every partition's error
 *    code becomes NOT_LEADER_OR_FOLLOWER (6).
 * Every other frame (a flexible version, another API) passes unchanged.
 */
export class KafkaFaultProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #notLeaderAnswers = 0;
  /** ListOffsets answers rewritten to NOT_LEADER_OR_FOLLOWER so far. */
  injected = 0;
  /** ListOffsets requests seen (answered or rewritten). */
  listOffsets = 0;
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(broker: string): Promise<KafkaFaultProxy> {
    const colon = broker.lastIndexOf(':');
    const proxy = new KafkaFaultProxy({ host: broker.slice(0, colon), port: Number(broker.slice(colon + 1)) });
    const server = createServer((client) => proxy.#relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy.port = (server.address() as { port: number }).port;
    proxy.#server = server;
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The next `count` ListOffsets answers say NOT_LEADER_OR_FOLLOWER for every partition. */
  notLeaderOnListOffsets(count: number): void {
    this.#notLeaderAnswers += count;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  #relay(client: Socket): void {
    const upstream = createConnection(this.target);
    const asked = new Map<number, { apiKey: number; version: number }>();
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    frames(client, (frame) => {
      asked.set(frame.readInt32BE(8), { apiKey: frame.readInt16BE(4), version: frame.readInt16BE(6) });
      upstream.write(frame);
    });
    frames(upstream, (frame) => {
      const correlationId = frame.readInt32BE(4);
      const request = asked.get(correlationId);
      asked.delete(correlationId);
      if (request?.apiKey === METADATA && request.version <= 8) this.#pointBrokersHere(frame, request.version);
      if (request?.apiKey === LIST_OFFSETS && request.version <= 5) {
        this.listOffsets += 1;
        if (this.#notLeaderAnswers > 0) {
          this.#notLeaderAnswers -= 1;
          this.injected += 1;
          setPartitionErrors(frame, request.version, NOT_LEADER_OR_FOLLOWER);
        }
      }
      client.write(frame);
    });
  }

  /** Metadata: brokers [node_id, host, port, rack (v1+)] after throttle_time_ms (v3+). */
  #pointBrokersHere(frame: Buffer, version: number): void {
    const r = new Cursor(frame, 8);
    if (version >= 3) r.skip(4);
    for (let brokers = r.int32(); brokers > 0; brokers--) {
      r.skip(4);
      r.string();
      if (frame.readInt32BE(r.at) === this.target.port) frame.writeInt32BE(this.port, r.at);
      r.skip(4);
      if (version >= 1) r.string();
    }
  }
}

const LIST_OFFSETS = 2;
const METADATA = 3;
const NOT_LEADER_OR_FOLLOWER = 6;

/** ListOffsets: [throttle (v2+)] topics [name, partitions [partition, error_code, v0: offsets[] | v1+: timestamp, offset, leader_epoch (v4+)]]. */
function setPartitionErrors(frame: Buffer, version: number, code: number): void {
  const r = new Cursor(frame, 8);
  if (version >= 2) r.skip(4);
  for (let topics = r.int32(); topics > 0; topics--) {
    r.string();
    for (let partitions = r.int32(); partitions > 0; partitions--) {
      r.skip(4);
      frame.writeInt16BE(code, r.at);
      r.skip(2);
      if (version === 0) r.skip(8 * r.int32());
      else r.skip(16 + (version >= 4 ? 4 : 0));
    }
  }
}

class Cursor {
  constructor(
    private readonly frame: Buffer,
    public at: number,
  ) {}

  skip(bytes: number): void {
    this.at += bytes;
  }

  int32(): number {
    const value = this.frame.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  /** A (nullable) string: int16 length, -1 = null. */
  string(): void {
    const length = this.frame.readInt16BE(this.at);
    this.at += 2 + Math.max(0, length);
  }
}

/** Calls `onFrame` with each whole Kafka frame (size prefix included) read from the socket. */
function frames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(Buffer.from(pending.subarray(0, size)));
      pending = pending.subarray(size);
    }
  });
}

/** The test stack and a fault relay in front of its broker, for a test file: started before its tests, stopped after. */
export function stackBehindFaultProxy(): { readonly stack: TestStack; readonly proxy: KafkaFaultProxy } {
  const started = {} as { stack: TestStack; proxy: KafkaFaultProxy };
  before(async () => {
    started.stack = await useStack();
    started.proxy = await KafkaFaultProxy.start(started.stack.env.TURNOVER_KAFKA_BROKERS!);
  });
  after(async () => {
    await started.proxy?.close();
    await started.stack?.release();
  });
  return started;
}
