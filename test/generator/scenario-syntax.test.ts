import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario } from '../../src/generator/index.js';

const day = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

test('scenario specs parse into what they say', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['fx-shock:440:+10%@2023-03-05', { kind: 'fx-shock', currency: 440, change: 0.1, days: { first: day('2023-03-05'), last: day('2023-03-05') } }],
    ['fx-shock:430:-25.5%@2023-03-05..2023-03-07', { kind: 'fx-shock', currency: 430, change: -0.255, days: { first: day('2023-03-05'), last: day('2023-03-07') } }],
    ['missing-rates:440@2023-03-05+3d', { kind: 'missing-rates', currency: 440, days: { first: day('2023-03-05'), last: day('2023-03-07') } }],
    ['accounts-surge:+50%@2023-03-05', { kind: 'accounts-surge', change: 0.5 }],
    ['accounts-surge:430:+50%@2023-03-05', { kind: 'accounts-surge', currency: 430, change: 0.5 }],
    ['frequency:-20%@2023-03-05', { kind: 'frequency', change: -0.2 }],
    ['ticket-size:470:+25%@2023-03-05', { kind: 'ticket-size', currency: 470, change: 0.25 }],
    ['late:10%@2023-03-05', { kind: 'late', share: 0.1, delayMs: 86_400_000 }],
    ['late:10%:6h@2023-03-05', { kind: 'late', share: 0.1, delayMs: 6 * 3_600_000 }],
    ['redeliveries:5%@2023-03-05', { kind: 'redeliveries', share: 0.05 }],
    ['corrections:2%@2023-03-05', { kind: 'corrections', share: 0.02 }],
    ['poison:1%@2023-03-05', { kind: 'poison', share: 0.01 }],
    ['poison:25@2023-03-05', { kind: 'poison', count: 25 }],
  ];
  for (const [text, expected] of cases) {
    const parsed = parseScenario(text) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected)) {
      if (typeof value === 'number') assert.ok(Math.abs((parsed[key] as number) - value) < 1e-12, `${text}: ${key}`);
      else assert.deepEqual(parsed[key], value, `${text}: ${key}`);
    }
    assert.equal(parsed.text, text);
  }
});

test('bad specs are usage errors that say what is wrong and show the syntax', () => {
  const bad: [string, RegExp][] = [
    ['fx-shock:440:+10%', /no @WHEN/],
    ['fx-shock:440@2023-03-05', /wrong number of arguments/],
    ['fx-shock:440:ten@2023-03-05', /not a percentage/],
    ['fx-shock:440:-100%@2023-03-05', /above -100%/],
    ['fx-shock:usd:+10%@2023-03-05', /not a currency code/],
    ['missing-rates:440@2023-02-30', /not a date/],
    ['missing-rates:440@2023-03-07..2023-03-05', /ends before it starts/],
    ['accounts-surge:-10%@2023-03-05', /must be positive/],
    ['late:10%:2w@2023-03-05', /not a delay/],
    ['redeliveries:0%@2023-03-05', /above 0%/],
    ['redeliveries:150%@2023-03-05', /at most 100%/],
    ['tsunami:5%@2023-03-05', /unknown scenario "tsunami"/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseScenario(text), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'USAGE', text);
      assert.match(error.message, message, text);
      assert.match(error.message, /expected /, text);
      return true;
    });
  }
});
