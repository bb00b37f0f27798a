import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { BiApiError } from '../../src/bi/http-json.js';
import { classifySqlError, sqlStateOf } from '../../src/db/sqlstate.js';
import { ConfigError, ConflictError, EXIT_CODES, OffsetMismatchError, ReconciliationError, TurnoverError, UnavailableError } from '../../src/errors.js';
import { KafkaCode, KafkaConnectionError, KafkaProtocolError, kafkaCodeName } from '../../src/kafka/wire/kafka-error-codes.js';
import { isRetriable, isRetriableExit, isRetriableHttpStatus, RetriesExhaustedError } from '../../src/retry/index.js';

const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError } = kafkajs;
const require = createRequire(import.meta.url);
// kafkajs' own table of Kafka's error codes: an independent reading of the protocol's "Retriable" column
const kafkajsErrors = require('kafkajs/src/protocol/error.js') as {
  errorCodes: { code: number; type: string; retriable: boolean }[];
  createErrorFromCode(code: number): Error;
};

function sqlError(sqlstate: string): Error {
  const error = new pg.DatabaseError(`SQLSTATE ${sqlstate}`, 0, 'error');
  error.code = sqlstate;
  return error;
}

function socketError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('isRetriable', () => {
  it('reads the retriable flag of our errors', () => {
    const table: [Error, boolean][] = [
      [new UnavailableError('PostgreSQL is restarting'), true],
      [new ConflictError('another loader moved the watermark'), true],
      [new RetriesExhaustedError(new UnavailableError('down'), 3, 1_000), true],
      [new ConfigError('bad password'), false],
      [new OffsetMismatchError('past the end of the log'), false],
      [new ReconciliationError('counts do not balance'), false],
      [new TurnoverError('INTERNAL', 'a bug'), false],
      [new TurnoverError('INTERNAL', 'told retriable', { retriable: true }), true],
    ];
    for (const [error, expected] of table) assert.equal(isRetriable(error), expected, error.message);
  });

  it('classifies database errors by SQLSTATE class: unavailable and conflict retry; data, config and fatal do not', () => {
    const table: Record<string, boolean> = {
      '08006': true, // connection failure
      '08001': true, // cannot connect
      '53300': true, // too many connections
      '57P01': true, // admin shutdown (a restart)
      '57P03': true, // cannot connect now (starting up)
      '25P03': true, // idle-in-transaction timeout: the server ended a frozen writer's session
      '25P04': true, // transaction timeout: the same, for a transaction too long
      '25P02': false, // in failed transaction: a bug, not an outage
      '40001': true, // serialization failure
      '40P01': true, // deadlock
      '22021': false, // NUL in text
      '22003': false, // numeric overflow
      '54000': false, // program limit
      '23505': false, // unique violation
      '23514': false, // check constraint
      '28P01': false, // wrong password
      '3D000': false, // no such database
      '3F000': false, // no such schema
      '42501': false, // no privilege
      '42P01': false, // no such table
      '42703': false, // no such column (a schema that drifted)
      XX000: false, // internal error
    };
    for (const [sqlstate, expected] of Object.entries(table)) assert.equal(isRetriable(sqlError(sqlstate)), expected, sqlstate);
    // pg's own errors for a connection that died, which carry no SQLSTATE
    assert.equal(isRetriable(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isRetriable(new Error('Query read timeout')), true);
  });

  it('classifies the wire client\'s Kafka codes as the Kafka protocol does (checked against kafkajs\' own table)', () => {
    const known = new Map(kafkajsErrors.errorCodes.map((e) => [e.code, e.retriable]));
    // codes newer than kafkajs' table, from the protocol's own: all retriable
    const newer: Record<number, boolean> = { [KafkaCode.THROTTLING_QUOTA_EXCEEDED]: true, [KafkaCode.UNKNOWN_TOPIC_ID]: true, [KafkaCode.INCONSISTENT_TOPIC_ID]: true };
    for (const code of Object.values(KafkaCode).filter((c) => c !== KafkaCode.NONE)) {
      const expected = known.get(code) ?? newer[code];
      assert.notEqual(expected, undefined, `no reference for ${kafkaCodeName(code)}`);
      assert.equal(isRetriable(new KafkaProtocolError(code, 'a request')), expected, kafkaCodeName(code));
    }
    // the ones a broker restart or a leader move produces
    for (const code of [KafkaCode.NOT_LEADER_OR_FOLLOWER, KafkaCode.LEADER_NOT_AVAILABLE, KafkaCode.COORDINATOR_LOAD_IN_PROGRESS, KafkaCode.NOT_COORDINATOR, KafkaCode.REQUEST_TIMED_OUT, KafkaCode.NETWORK_EXCEPTION, KafkaCode.UNKNOWN_TOPIC_OR_PARTITION]) {
      assert.equal(isRetriable(new KafkaProtocolError(code, 'a request')), true, kafkaCodeName(code));
    }
    for (const code of [KafkaCode.OFFSET_OUT_OF_RANGE, KafkaCode.TOPIC_AUTHORIZATION_FAILED, KafkaCode.SASL_AUTHENTICATION_FAILED, KafkaCode.UNSUPPORTED_VERSION, KafkaCode.INVALID_GROUP_ID]) {
      assert.equal(isRetriable(new KafkaProtocolError(code, 'a request')), false, kafkaCodeName(code));
    }
    assert.equal(isRetriable(new KafkaProtocolError(-1, 'a request')), false, 'UNKNOWN_SERVER_ERROR');
  });

  it('retries a lost Kafka connection unless its cause is a configuration problem', () => {
    assert.equal(isRetriable(new KafkaConnectionError('connection to 127.0.0.1:9092 closed')), true);
    assert.equal(isRetriable(new KafkaConnectionError('cannot connect', { cause: socketError('ECONNREFUSED') })), true);
    assert.equal(isRetriable(new KafkaConnectionError('cannot connect', { cause: socketError('ENOTFOUND') })), false);
    assert.equal(isRetriable(new KafkaConnectionError('cannot connect', { cause: socketError('SELF_SIGNED_CERT_IN_CHAIN') })), false);
  });

  it('reads kafkajs\' retriable flag, through "retries exceeded" to the error kafkajs gave up on', () => {
    const notLeader = kafkajsErrors.createErrorFromCode(KafkaCode.NOT_LEADER_OR_FOLLOWER);
    assert.equal(isRetriable(notLeader), true);
    assert.equal(isRetriable(new KafkaJSNumberOfRetriesExceeded(notLeader, { retryCount: 0, retryTime: 300 })), true);
    assert.equal(isRetriable(new KafkaJSNumberOfRetriesExceeded(new TypeError('x is undefined'), { retryCount: 0, retryTime: 300 })), false);
    assert.equal(isRetriable(kafkajsErrors.createErrorFromCode(KafkaCode.TOPIC_AUTHORIZATION_FAILED)), false);
    assert.equal(isRetriable(new KafkaJSNonRetriableError(notLeader)), false);
    assert.equal(isRetriable(new (KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error)('SASL PLAIN authentication failed')), false);
    assert.equal(isRetriable(new KafkaJSConnectionError('connect ECONNREFUSED', { code: 'ECONNREFUSED' } as never)), true);
    assert.equal(isRetriable(new KafkaJSConnectionError('getaddrinfo ENOTFOUND kafka', { code: 'ENOTFOUND' } as never)), false);
  });

  it('reads @platformatic/kafka\'s canRetry', () => {
    assert.equal(isRetriable(Object.assign(new Error('network'), { canRetry: true })), true);
    assert.equal(isRetriable(Object.assign(new Error('authentication'), { canRetry: false })), false);
  });

  it('HTTP: 5xx and 429 retry, other 4xx do not; dropped, refused and timed-out requests retry; an unknown host does not', () => {
    for (const status of [500, 502, 503, 504, 429]) {
      assert.equal(isRetriableHttpStatus(status), true, String(status));
      assert.equal(isRetriable(new BiApiError(status, `answered ${status}`)), true, String(status));
    }
    for (const status of [400, 401, 403, 404, 409, 422]) {
      assert.equal(isRetriableHttpStatus(status), false, String(status));
      assert.equal(isRetriable(new BiApiError(status, `answered ${status}`)), false, String(status));
    }
    const fetchFailed = (cause: Error) => new TypeError('fetch failed', { cause });
    assert.equal(isRetriable(fetchFailed(socketError('UND_ERR_SOCKET', 'other side closed'))), true);
    assert.equal(isRetriable(fetchFailed(socketError('UND_ERR_HEADERS_TIMEOUT'))), true);
    assert.equal(isRetriable(fetchFailed(socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'))), true);
    assert.equal(isRetriable(fetchFailed(socketError('ECONNRESET'))), true);
    assert.equal(isRetriable(fetchFailed(socketError('ENOTFOUND', 'getaddrinfo ENOTFOUND superset.internal'))), false);
    assert.equal(isRetriable(fetchFailed(socketError('CERT_HAS_EXPIRED'))), false);
    assert.equal(isRetriable(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), true);
  });

  it('Node socket errors: the server went away or never answered', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']) assert.equal(isRetriable(socketError(code)), true, code);
    for (const code of ['ENOTFOUND', 'EACCES', 'ENOENT']) assert.equal(isRetriable(socketError(code)), false, code);
    // a write to a connection PostgreSQL had closed (found by bench/chaos): EPIPE is five capitals like a SQLSTATE, but a socket's
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });
    assert.equal(sqlStateOf(epipe), undefined);
    assert.equal(classifySqlError(epipe), 'unavailable');
  });

  it('anything else is final: retrying would hide a bug', () => {
    class LibraryError extends Error {}
    for (const error of [new TypeError('cannot read properties of the connection'), new Error('a bug'), new LibraryError('connection closed'), new RangeError('x'), 'a string', null, undefined, 42]) {
      assert.equal(isRetriable(error), false, String(error));
    }
  });
});

describe('isRetriableExit', () => {
  it('restarts a child killed by a signal or ending unavailable, in conflict or crashed; never one an operator must look at', () => {
    const table: [number | null, boolean][] = [
      [null, true], // killed (SIGKILL, OOM)
      [0, true], // a service that stopped on its own
      [EXIT_CODES.INTERNAL, true],
      [EXIT_CODES.UNAVAILABLE, true],
      [EXIT_CODES.CONFLICT, true],
      [EXIT_CODES.STACK, true],
      [EXIT_CODES.RECONCILIATION, true],
      [EXIT_CODES.USAGE, false],
      [EXIT_CODES.CONFIG, false],
      [EXIT_CODES.PREREQUISITE, false],
      [EXIT_CODES.OFFSET_MISMATCH, false],
      [EXIT_CODES.NOT_IMPLEMENTED, false],
    ];
    for (const [code, expected] of table) assert.equal(isRetriableExit(code), expected, `exit ${code}`);
  });
});
