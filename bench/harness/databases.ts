import type { TestStack } from '../../test/support/stack.js';
import { withClient } from '../../test/ingest/ingest-harness.js';

/**
 * Drops databases a measurement made with `freshDatabases` once it is
 * measured: a round lands up to millions of rows (~0.7 GB per million), and
 * a run of several rounds on a long-lived stack (TURNOVER_TEST_STATE_DIR)
 * must not fill the disk.
 */
export async function dropDatabases(t: TestStack, urls: readonly string[]): Promise<void> {
  await withClient(t.postgresUrl('postgres'), async (c) => {
    for (const url of urls) {
      const name = new URL(url).pathname.slice(1).replaceAll('"', '');
      await c.query(`drop database if exists "${name}" with (force)`);
    }
  });
}
