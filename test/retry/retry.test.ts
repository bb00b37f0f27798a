import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, EXIT_CODES, exitCodeOf, UnavailableError } from '../../src/errors.js';
import { Backoff, backoffDelay, connectPolicy, retry, RetriesExhaustedError, withDeadline, type Clock, type RetryEvent, type RetryPolicy } from '../../src/retry/index.js';
import { seededRandom } from '../support/seeded-random.js';

/** A clock that advances only when something waits on it: deadlines are tested without waiting. */
class FakeClock implements Clock {
  at = 1_000_000;
  readonly waits: number[] = [];

  now(): number {
    return this.at;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.waits.push(ms);
    this.at += ms;
  }
}

const policy: RetryPolicy = { name: 'test', initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5, deadlineMs: 10_000, maxAttempts: Infinity };

/** Fails `times` times with `error`, then answers `value`. */
function flaky<T>(times: number, error: () => unknown, value: T): { fn: () => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      calls += 1;
      if (calls <= times) throw error();
      return value;
    },
    calls: () => calls,
  };
}

describe('backoffDelay', () => {
  it('grows by the factor up to the maximum, each wait within [delay × (1 − jitter), delay]', () => {
    const random = seededRandom(7);
    const expected = [100, 200, 400, 800, 1_000, 1_000, 1_000];
    expected.forEach((ceiling, i) => {
      const delay = backoffDelay(policy, i + 1, random);
      assert.ok(delay <= ceiling && delay >= ceiling * (1 - policy.jitter), `failure ${i + 1}: ${delay} not in [${ceiling / 2}, ${ceiling}]`);
    });
  });

  it('is deterministic for a seeded source, and without jitter it is exact', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, (_, i) => backoffDelay(policy, i + 1, seededRandom(seed)));
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    assert.deepEqual(
      Array.from({ length: 6 }, (_, i) => backoffDelay({ ...policy, jitter: 0 }, i + 1)),
      [100, 200, 400, 800, 1_000, 1_000],
    );
    // the ends of the random source: no jitter taken, all of it taken
    assert.equal(backoffDelay(policy, 3, () => 0), 400);
    assert.equal(backoffDelay(policy, 3, () => 0.999999), 200);
  });

  it('Backoff counts failures in a row and starts over after reset()', () => {
    const backoff = new Backoff({ ...policy, jitter: 0 });
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [100, 200, 400]);
    assert.equal(backoff.failures, 3);
    backoff.reset();
    assert.equal(backoff.next(), 100);
  });

  it('refuses an inconsistent policy where it is defined', () => {
    assert.throws(() => withDeadline(connectPolicy, -1), /inconsistent/);
  });
});

describe('retry', () => {
  it('retries a retriable error until it passes, telling onRetry each wait', async () => {
    const clock = new FakeClock();
    const events: RetryEvent[] = [];
    const call = flaky(3, () => new UnavailableError('down'), 'ok');
    const result = await retry(policy, call.fn, { clock, random: seededRandom(1), onRetry: (e) => events.push(e) });
    assert.equal(result, 'ok');
    assert.equal(call.calls(), 4);
    assert.deepEqual(events.map((e) => e.attempt), [1, 2, 3]);
    assert.deepEqual(events.map((e) => e.delayMs), clock.waits);
    // the same seed draws the same waits
    const again = new FakeClock();
    await retry(policy, flaky(3, () => new UnavailableError('down'), 'ok').fn, { clock: again, random: seededRandom(1) });
    assert.deepEqual(again.waits, clock.waits);
  });

  it('throws a final error at once, unchanged, without waiting', async () => {
    const clock = new FakeClock();
    const refused = new ConfigError('bad password');
    const call = flaky(5, () => refused, 'never');
    await assert.rejects(retry(policy, call.fn, { clock }), (error) => error === refused);
    assert.equal(call.calls(), 1);
    assert.deepEqual(clock.waits, []);
  });

  it('gives up at the deadline with one line: the last reason, the tries and the time; same code (exit 5), still retriable', async () => {
    const clock = new FakeClock();
    const call = flaky(Infinity, () => new UnavailableError('Superset at http://x is not reachable (GET /: other side closed)'), 'never');
    const error = await retry(policy, call.fn, { clock, random: () => 0 }).catch((e: unknown) => e);
    assert.ok(error instanceof RetriesExhaustedError);
    assert.equal(error.code, 'UNAVAILABLE');
    assert.equal(exitCodeOf(error), EXIT_CODES.UNAVAILABLE);
    assert.equal(error.retriable, true);
    assert.equal(error.attempts, call.calls());
    assert.match(error.message, /^Superset at http:\/\/x is not reachable \(GET \/: other side closed\) \(gave up after \d+ tries in \d+ s\)$/);
    // no wait ran past the deadline, and no try started after it
    const waited = clock.waits.reduce((a, b) => a + b, 0);
    assert.ok(waited < policy.deadlineMs, `waited ${waited} ms`);
    // without jitter the tries start at 0, 0.1, 0.3, 0.7, 1.5, 2.5 … 9.5 s: 13 of them; a 14th would start at 10.5 s
    assert.equal(call.calls(), 13);
    assert.equal(waited, 9_500);
  });

  it('stops after maxAttempts; with one try the error is the original one', async () => {
    const clock = new FakeClock();
    const three = flaky(Infinity, () => new UnavailableError('down'), 'never');
    await assert.rejects(retry({ ...policy, maxAttempts: 3 }, three.fn, { clock }), RetriesExhaustedError);
    assert.equal(three.calls(), 3);
    const down = new UnavailableError('down');
    await assert.rejects(retry({ ...policy, maxAttempts: 1 }, async () => Promise.reject(down), { clock }), (e) => e === down);
  });

  it('an abort ends the wait at once and rejects with the error it was waiting out; no try after it', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const down = new UnavailableError('down');
    const pending = retry({ ...policy, initialDelayMs: 60_000, maxDelayMs: 60_000, deadlineMs: Infinity }, async () => {
      calls += 1;
      throw down;
    }, { signal: controller.signal });
    setImmediate(() => controller.abort(new Error('stopping')));
    await assert.rejects(pending, (error) => error === down);
    assert.equal(calls, 1);
    assert.ok(Date.now() - started < 30_000, 'the 60 s wait was cut short');
    // aborted before the first try: nothing tried, the signal's reason
    let tried = false;
    await assert.rejects(retry(policy, async () => (tried = true), { signal: AbortSignal.abort(new Error('already')) }), /already/);
    assert.equal(tried, false);
  });

  it('progress starts the outage over: the first wait and the whole deadline again', async () => {
    const clock = new FakeClock();
    const noJitter = { ...policy, jitter: 0, deadlineMs: 2_000 };
    // fails 4 times (waits 100, 200, 400), commits something, fails 4 more times, then passes
    let calls = 0;
    const result = await retry(noJitter, async (attempt, progressed) => {
      calls += 1;
      assert.equal(attempt, calls);
      if (calls === 4) progressed();
      if (calls < 8) throw new UnavailableError('down');
      return 'done';
    }, { clock });
    assert.equal(result, 'done');
    // the 7th failure comes 1.4 s after the first: with its 0.8 s wait past the 2 s deadline, had the
    // progress not started the clock over (0.7 s after it)
    assert.deepEqual(clock.waits, [100, 200, 400, 100, 200, 400, 800]);
  });

  it('a narrower decision (an HTTP POST) keeps a retriable error final', async () => {
    const clock = new FakeClock();
    const call = flaky(1, () => new UnavailableError('dropped'), 'ok');
    await assert.rejects(retry(policy, call.fn, { clock, retriable: () => false }), /dropped/);
    assert.equal(call.calls(), 1);
  });
});
