import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../src/dashboard/api-errors.js';
import { currencyListParam, MAX_RANGE_DAYS, parseCurrencies, parseDay, parseRange, readQuery } from '../../src/dashboard/params.js';
import { CURRENCIES } from '../../src/contracts/currencies.js';

/** The API's input validation, on its own: what is accepted, and that everything else is a 400 with a reason. */

const isBadRequest = (error: unknown): boolean => error instanceof ApiError && error.status === 400 && error.code === 'bad_request' && error.message.length > 10;
const query = (text: string, allowed = ['from', 'to', 'day', 'currencies']) => readQuery(new URLSearchParams(text), allowed);

describe('dashboard API parameters', () => {
  it('days: only real calendar days YYYY-MM-DD', () => {
    for (const day of ['2022-10-01', '2024-02-29', '1999-12-31']) assert.equal(parseDay('from', day), day);
    for (const bad of ['2022-02-29', '2022-02-30', '2022-13-01', '2022-00-10', '2022-10-1', '20221001', '2022/10/01', ' 2022-10-01', '2022-10-01T00:00:00', "2022-10-01' or '1'='1", '']) {
      assert.throws(() => parseDay('from', bad), isBadRequest, bad);
    }
  });

  it('ranges: both ends or neither, ordered, at most a year; day alone', () => {
    assert.deepEqual(parseRange(query('from=2022-10-01&to=2022-10-07')), { from: '2022-10-01', to: '2022-10-07' });
    assert.deepEqual(parseRange(query('day=2022-10-05')), { from: '2022-10-05', to: '2022-10-05' });
    assert.equal(parseRange(query('')), undefined);
    assert.deepEqual(parseRange(query('from=2022-01-01&to=2022-12-31')), { from: '2022-01-01', to: '2022-12-31' });
    assert.equal(MAX_RANGE_DAYS, 366);
    for (const bad of ['from=2022-10-01', 'to=2022-10-01', 'from=2022-10-02&to=2022-10-01', 'from=2022-01-01&to=2023-01-02', 'day=2022-10-01&from=2022-10-01&to=2022-10-02']) {
      assert.throws(() => parseRange(query(bad)), isBadRequest, bad);
    }
  });

  it('currencies: known ones by code or ISO name, any case, deduplicated; absent = all', () => {
    assert.equal(parseCurrencies(undefined), 'all');
    assert.deepEqual(parseCurrencies('usd,440, EUR ,420'), [420, 440]);
    assert.deepEqual(parseCurrencies(CURRENCIES.map((c) => c.iso).join(',')), CURRENCIES.map((c) => c.code));
    assert.equal(currencyListParam(parseCurrencies('TRY,CAD')), '410,470');
    assert.equal(currencyListParam('all'), '');
    for (const bad of ['', ',', 'XYZ', '999', '420,', 'US', 'USD;', "420) or 1=1 --", '4２0', 'usd eur']) {
      assert.throws(() => parseCurrencies(bad), isBadRequest, bad);
    }
  });

  it('the query string: unknown, repeated and oversized parameters are refused', () => {
    assert.throws(() => query('limit=5'), isBadRequest);
    assert.throws(() => query('from=2022-10-01&from=2022-10-02'), isBadRequest);
    assert.throws(() => query(`currencies=${'x'.repeat(201)}`), isBadRequest);
    assert.throws(() => readQuery(new URLSearchParams('from=1'), []), (e: unknown) => isBadRequest(e) && /takes none/.test((e as Error).message));
    assert.deepEqual([...query('from=2022-10-01&to=2022-10-02')], [['from', '2022-10-01'], ['to', '2022-10-02']]);
  });

  it('any input either parses into bound values (dates, known codes) or is a 400, never another error', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('from', 'to', 'day', 'currencies', 'other'), fc.string({ maxLength: 40 })), (params) => {
        try {
          const q = query(new URLSearchParams(params).toString());
          const range = parseRange(q);
          const currencies = parseCurrencies(q.get('currencies'));
          if (range) assert.match(`${range.from}|${range.to}`, /^\d{4}-\d\d-\d\d\|\d{4}-\d\d-\d\d$/);
          assert.match(currencyListParam(currencies), /^(\d{3}(,\d{3})*)?$/);
          return true;
        } catch (error) {
          return isBadRequest(error);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
