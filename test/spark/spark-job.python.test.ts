import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir } from '../../src/paths.js';
import { ensureVenv } from '../../src/setup/python-venv.js';
import { run } from '../../src/stack/processes.js';
import { PACKAGE_ROOT } from '../support/paths.js';

/** The job's pure parts (the fence rule, the configuration mapping) run by Python's unittest in the Spark venv. */
describe('spark/ job units (Python unittest in the pinned Spark venv)', () => {
  it('pass', async () => {
    const venv = await ensureVenv('spark', defaultCacheDir(process.env), silentLogger(), process.env);
    const result = await run(join(venv, 'bin', 'python'), ['-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'], { cwd: join(PACKAGE_ROOT, 'spark'), env: process.env });
    assert.equal(result.code, 0, result.stderr);
    const ran = /Ran (\d+) tests?/.exec(result.stderr);
    assert.ok(ran && Number(ran[1]) >= 10, `expected the unit tests to run: ${result.stderr.slice(-500)}`);
  });
});
