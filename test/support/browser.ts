import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findChromium } from '../../src/setup/chromium.js';

/** Chromium flags for tests: headless, no sandbox (root in CI), nothing phoning home. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface TestBrowser {
  readonly context: BrowserContext;
  /** Every request the pages tried to send to a host other than 127.0.0.1 (all were blocked). */
  readonly blocked: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium through playwright-core (no browser download), with a
 * fresh profile, and every request to a host other than 127.0.0.1 aborted and
 * recorded, so a test can assert that a page needs nothing from outside.
 */
export async function launchBrowser(viewport = { width: 1440, height: 900 }): Promise<TestBrowser> {
  const executablePath = findChromium(process.env);
  if (!executablePath) throw new Error('Chromium not found: run `node bin/turnover.js setup chromium` (npm test does)');
  const profile = mkdtempSync(join(tmpdir(), 'turnover-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '127.0.0.1') {
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  return {
    context,
    blocked,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
