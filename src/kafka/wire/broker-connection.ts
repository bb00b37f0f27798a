import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { usesTls, type KafkaConfig } from '../kafka-config.js';
import type { Api } from './apis/api.js';
import { API_VERSIONS, type ApiVersionRange } from './apis/api-versions.js';
import { SASL_AUTHENTICATE, SASL_HANDSHAKE } from './apis/sasl.js';
import { KafkaCode, KafkaConnectionError, KafkaProtocolError } from './kafka-error-codes.js';
import { MalformedResponseError, ProtocolReader } from './protocol-reader.js';
import { ProtocolWriter } from './protocol-writer.js';
import { saslExchange } from './sasl-exchange.js';

export interface ConnectionOptions {
  readonly config: KafkaConfig;
  readonly connectTimeoutMs: number;
  /** Added to a request's own wait (a fetch's max wait) before the connection is declared dead. */
  readonly requestTimeoutMs: number;
}

interface Pending {
  readonly correlationId: number;
  readonly decode: (frame: Buffer) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const CLIENT_SOFTWARE = Object.freeze({ clientName: 'turnover', clientVersion: '0.1.0' });

/**
 * One TCP (or TLS) connection to one broker: Kafka's size-prefixed framing,
 * requests pipelined in order (Kafka answers a connection's requests in the
 * order sent), ApiVersions to pick each API's version, then SASL when
 * configured. A failure of any kind closes the connection and rejects every
 * request waiting on it; the owner opens a new one.
 */
export class BrokerConnection {
  readonly #socket: Socket;
  readonly #options: ConnectionOptions;
  readonly #pending: Pending[] = [];
  #versions: ReadonlyMap<number, ApiVersionRange> = new Map();
  #nextCorrelation = 1;
  #closedBy: Error | undefined;
  // frame assembly: the size prefix, then the frame's bytes copied once into `#frame`
  #head = Buffer.alloc(4);
  #headBytes = 0;
  #frame: Buffer | undefined;
  #frameBytes = 0;
  readonly #closeListeners: ((error: Error) => void)[] = [];

  private constructor(
    socket: Socket,
    options: ConnectionOptions,
    readonly address: string,
  ) {
    this.#socket = socket;
    this.#options = options;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.close(new KafkaConnectionError(`connection to ${this.address} failed: ${error.message}`, { cause: error })));
    socket.on('close', () => this.close(new KafkaConnectionError(`connection to ${this.address} closed`)));
  }

  /** Connects, negotiates versions and authenticates. */
  static async open(host: string, port: number, options: ConnectionOptions): Promise<BrokerConnection> {
    const socket = await openSocket(host, port, options);
    const connection = new BrokerConnection(socket, options, `${host}:${port}`);
    try {
      await connection.#negotiate();
      if (options.config.sasl) await connection.#authenticate();
    } catch (error) {
      connection.close(error as Error);
      throw error;
    }
    return connection;
  }

  get isOpen(): boolean {
    return this.#closedBy === undefined;
  }

  onClose(listener: (error: Error) => void): void {
    if (this.#closedBy) listener(this.#closedBy);
    else this.#closeListeners.push(listener);
  }

  /** The version of `api` this connection uses: the highest both sides serve. */
  version(api: Api<unknown, unknown>): number {
    const broker = this.#versions.get(api.key);
    const version = broker ? Math.min(api.maxVersion, broker.max) : -1;
    if (!broker || version < Math.max(api.minVersion, broker.min)) {
      const range = broker ? `${broker.min}–${broker.max}` : 'none';
      throw new KafkaProtocolError(KafkaCode.UNSUPPORTED_VERSION, `broker ${this.address} serves ${api.name} versions ${range}; this client needs ${api.minVersion}–${api.maxVersion}`);
    }
    return version;
  }

  /** Sends a request and resolves with its decoded response. */
  request<Req, Res>(api: Api<Req, Res>, body: Req, extraWaitMs = 0): Promise<Res> {
    return this.#send(api, body, this.version(api as Api<unknown, unknown>), extraWaitMs);
  }

  #send<Req, Res>(api: Api<Req, Res>, body: Req, version: number, extraWaitMs: number): Promise<Res> {
    if (this.#closedBy) return Promise.reject(this.#closedBy);
    const flexible = version >= api.flexibleFrom;
    const correlationId = this.#nextCorrelation;
    this.#nextCorrelation = (this.#nextCorrelation + 1) & 0x7fffffff;
    const w = new ProtocolWriter(false).int32(0).int16(api.key).int16(version).int32(correlationId).string(this.#options.config.clientId);
    if (flexible) w.uvarint(0);
    const bodyWriter = new ProtocolWriter(flexible);
    api.encode(bodyWriter, version, body);
    w.raw(bodyWriter.bytesWritten());
    const frame = w.bytesWritten();
    frame.writeInt32BE(frame.length - 4, 0);
    // ApiVersions answers with a v0 header whatever its version (KIP-511)
    const headerTags = flexible && api.key !== API_VERSIONS.key;
    return new Promise<Res>((resolve, reject) => {
      const timeoutMs = this.#options.requestTimeoutMs + extraWaitMs;
      const timer = setTimeout(() => this.close(new KafkaConnectionError(`${api.name} to ${this.address} got no answer in ${timeoutMs} ms`)), timeoutMs);
      const decode = (response: Buffer) => {
        const r = new ProtocolReader(response, flexible, 4);
        if (headerTags) r.tags();
        return api.decode(r, version);
      };
      this.#pending.push({ correlationId, decode, resolve: resolve as (value: unknown) => void, reject, timer });
      this.#socket.write(frame);
    });
  }

  close(error: Error = new KafkaConnectionError(`connection to ${this.address} closed by us`)): void {
    if (this.#closedBy) return;
    this.#closedBy = error;
    this.#socket.destroy();
    for (const p of this.#pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    for (const listener of this.#closeListeners.splice(0)) listener(error);
  }

  #onData(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.#closedBy) {
      if (this.#frame === undefined) {
        // a whole frame inside this chunk: a view, no copy
        if (this.#headBytes === 0 && chunk.length - at >= 4) {
          const size = chunk.readInt32BE(at);
          if (chunk.length - at - 4 >= size) {
            this.#deliver(chunk.subarray(at + 4, at + 4 + size));
            at += 4 + size;
            continue;
          }
        }
        const take = Math.min(4 - this.#headBytes, chunk.length - at);
        chunk.copy(this.#head, this.#headBytes, at, at + take);
        this.#headBytes += take;
        at += take;
        if (this.#headBytes < 4) return;
        const size = this.#head.readInt32BE(0);
        if (size < 4) return this.close(new MalformedResponseError(`frame of ${size} bytes from ${this.address}`));
        this.#frame = Buffer.allocUnsafe(size);
        this.#frameBytes = 0;
      }
      const take = Math.min(this.#frame.length - this.#frameBytes, chunk.length - at);
      chunk.copy(this.#frame, this.#frameBytes, at, at + take);
      this.#frameBytes += take;
      at += take;
      if (this.#frameBytes === this.#frame.length) {
        const frame = this.#frame;
        this.#frame = undefined;
        this.#headBytes = 0;
        this.#deliver(frame);
      }
    }
  }

  #deliver(frame: Buffer): void {
    const pending = this.#pending.shift();
    const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
    if (!pending || pending.correlationId !== correlationId) {
      this.close(new MalformedResponseError(`response ${correlationId} from ${this.address} matches no request`));
      return;
    }
    clearTimeout(pending.timer);
    let value: unknown;
    try {
      value = pending.decode(frame);
    } catch (error) {
      pending.reject(error as Error);
      this.close(new MalformedResponseError(`unreadable response from ${this.address}: ${(error as Error).message}`));
      return;
    }
    pending.resolve(value);
  }

  async #negotiate(): Promise<void> {
    let response;
    try {
      response = await this.#send(API_VERSIONS, CLIENT_SOFTWARE, API_VERSIONS.maxVersion, 0);
    } catch (error) {
      if (!(error instanceof MalformedResponseError)) throw error;
      throw new KafkaProtocolError(KafkaCode.UNSUPPORTED_VERSION, `broker ${this.address} is older than Kafka 2.4 (no ApiVersions v3)`);
    }
    if (response.errorCode !== 0) throw new KafkaProtocolError(response.errorCode, `ApiVersions on ${this.address}`);
    this.#versions = response.versions;
  }

  async #authenticate(): Promise<void> {
    const { mechanism, username, password } = this.#options.config.sasl!;
    const exchange = saslExchange(mechanism, username, password);
    const handshake = await this.request(SASL_HANDSHAKE, { mechanism: exchange.mechanism });
    if (handshake.errorCode !== 0) {
      throw new KafkaProtocolError(handshake.errorCode, `SASL ${exchange.mechanism} on ${this.address}`, `the broker offers ${handshake.mechanisms.join(', ') || 'none'}`);
    }
    let message: Buffer | null = exchange.first();
    while (message !== null) {
      const answer = await this.request(SASL_AUTHENTICATE, { authBytes: message });
      if (answer.errorCode !== 0) throw new KafkaProtocolError(answer.errorCode, `SASL ${exchange.mechanism} as ${username} on ${this.address}`, answer.errorMessage);
      try {
        message = exchange.next(answer.authBytes);
      } catch (error) {
        throw new KafkaProtocolError(KafkaCode.SASL_AUTHENTICATION_FAILED, `SASL ${exchange.mechanism} on ${this.address}`, (error as Error).message);
      }
    }
  }
}

function openSocket(host: string, port: number, options: ConnectionOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const tls = usesTls(options.config);
    const socket: Socket = tls
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...(options.config.sslCa ? { ca: [options.config.sslCa] } : {}) })
      : tcpConnect({ host, port });
    socket.setNoDelay(true);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new KafkaConnectionError(`cannot connect to Kafka broker ${host}:${port}: ${error.message}`, { cause: error }));
    };
    const timer = setTimeout(() => fail(new Error(`no connection in ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
    socket.once('error', fail);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
