import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { readJsonl } from '../../src/contracts/jsonl.js';

const dir = mkdtempSync(join(tmpdir(), 'turnover-jsonl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string, chunkSize: number): Promise<{ lines: [number, string][]; blank: number }> {
  const lines: [number, string][] = [];
  let blank = 0;
  for await (const batch of readJsonl(path, { chunkSize })) {
    blank += batch.blank;
    batch.values.forEach((v, i) => lines.push([batch.lineNumbers[i]!, v.toString('latin1')]));
  }
  return { lines, blank };
}

test('lines come back byte for byte, whatever the chunk boundaries', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0a))), fc.constantFrom('\n', '\r\n')), { maxLength: 30 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 64 }),
      async (entries, finalNewline, chunkSize) => {
        const parts = entries.flatMap(([bytes, eol], i) => (i < entries.length - 1 || finalNewline ? [bytes, Buffer.from(eol)] : [bytes]));
        const path = join(dir, `f${run++}.jsonl`);
        writeFileSync(path, Buffer.concat(parts));
        // expected: split on LF, drop one trailing CR per line, drop empty lines; number lines from 1
        const expected: [number, string][] = [];
        let blank = 0;
        entries.forEach(([bytes, eol], i) => {
          const last = i === entries.length - 1 && !finalNewline;
          let line = bytes;
          if (!last && eol === '\r\n') line = Buffer.concat([bytes, Buffer.from('\r')]);
          if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
          if (line.length === 0) {
            if (!(last && bytes.length === 0)) blank++;
          } else {
            expected.push([i + 1, line.toString('latin1')]);
          }
        });
        const got = await readAll(path, chunkSize);
        assert.deepEqual(got.lines, expected);
        assert.equal(got.blank, blank);
      },
    ),
    { numRuns: 300 },
  );
});

test('a missing file is a usage error that names it', async () => {
  await assert.rejects(readAll(join(dir, 'nope.jsonl'), 1024), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'USAGE');
    assert.match(error.message, /nope\.jsonl: no such file/);
    return true;
  });
});
