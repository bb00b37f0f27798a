import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newClusterId } from '../../src/stack/kafka-broker.js';

describe('KRaft cluster ids', () => {
  it('are 22 base64url characters and never start with "-" (the storage tool would read an option)', () => {
    for (let i = 0; i < 5_000; i++) {
      const id = newClusterId();
      assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
