/**
 * The partition of a keyed record, as Kafka's Java client picks it
 * (`toPositive(murmur2(keyBytes)) % partitions`): the same key lands on the
 * same partition whichever library produced it. kafkajs' default partitioner
 * agrees; @platformatic/kafka's default does not (it uses `>>> 0` instead of
 * masking the sign bit), which is why producers of ours always set the
 * partition explicitly.
 */
function hash(length: number, byteAt: (index: number) => number): number {
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = byteAt(i) | (byteAt(i + 1) << 8) | (byteAt(i + 2) << 16) | (byteAt(i + 3) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= byteAt(whole + 2) << 16;
  if (rest >= 2) h ^= byteAt(whole + 1) << 8;
  if (rest >= 1) {
    h ^= byteAt(whole);
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function murmur2(data: Uint8Array): number {
  return hash(data.length, (i) => data[i]!);
}

const ASCII = /^[\x00-\x7f]*$/;

export function partitionForKey(key: Uint8Array | string, partitions: number): number {
  // an ASCII string is its own UTF-8 bytes: hash it in place (UUID keys, the common case)
  const h = typeof key !== 'string' ? murmur2(key) : ASCII.test(key) ? hash(key.length, (i) => key.charCodeAt(i)) : murmur2(Buffer.from(key, 'utf8'));
  return (h & 0x7fffffff) % partitions;
}
