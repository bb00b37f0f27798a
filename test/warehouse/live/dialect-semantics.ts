import type { DialectName } from '../../../src/warehouse/index.js';

/**
 * Constructs whose Vertica behaviour differs from PostgreSQL's (or could),
 * each with the value each dialect gives, as documented, and where the
 * pipeline relies on it. The live suite runs every probe on the warehouse
 * under test and compares with that dialect's column: on PostgreSQL here, on
 * Vertica wherever TURNOVER_TEST_VERTICA_URL points. docs/warehouse.md
 * prints this table. Probes return one text column `v`; no parameters.
 */
export interface SemanticsProbe {
  readonly construct: string;
  readonly sql: string;
  readonly expected: Readonly<Record<DialectName, string>>;
  /** Which of our statements depends on it, and how it stays correct on both. */
  readonly usedBy: string;
}

export const SEMANTICS: readonly SemanticsProbe[] = [
  {
    construct: 'integer / integer',
    sql: 'select ((7 / 2) * 10)::varchar(20) as v',
    expected: { postgres: '30', vertica: '35' },
    usedBy: 'mart_global_metrics (avg per account): the count is cast to numeric(38, 10) before dividing, so both divide exactly',
  },
  {
    construct: 'ROUND of numeric, half-way',
    sql: "select (round(2.5::numeric(5, 1)))::numeric(10, 2)::varchar(20) || ' ' || (round(-2.5::numeric(5, 1)))::numeric(10, 2)::varchar(20) || ' ' || round(0.125::numeric(6, 3), 2)::numeric(10, 2)::varchar(20) as v",
    expected: { postgres: '3.00 -3.00 0.13', vertica: '3.00 -3.00 0.13' },
    usedBy: 'every rounded amount and average of the marts (half away from zero in both; the reference rounds the same way)',
  },
  {
    construct: 'NULL in ORDER BY of an integer, ascending',
    sql: "select coalesce(min(case when r = 1 then coalesce(x::varchar(20), 'null') end), '') as v from (select x, row_number() over (order by x) as r from (select 1 as x union all select null union all select 2) as t) as ordered",
    expected: { postgres: '1', vertica: 'null' },
    usedBy: 'dashboard_turnover_drivers orders the total row (currency NULL) last with an explicit case, not by NULL order',
  },
  {
    construct: 'bare varchar cast',
    sql: "select length(repeat('x', 100)::varchar)::varchar(20) as v",
    expected: { postgres: '100', vertica: '80' },
    usedBy: 'the SQL model build refuses a bare ::varchar (and ::int, ::text); models say {{ text }} or {{ text(n) }}',
  },
  {
    construct: 'timestamp to microseconds, formatted',
    sql: "select to_char('2022-10-01 12:34:56.123456'::timestamp, 'YYYY-MM-DD HH24:MI:SS.US') as v",
    expected: { postgres: '2022-10-01 12:34:56.123456', vertica: '2022-10-01 12:34:56.123456' },
    usedBy: 'STG versions ordered by sent_dttm (microseconds kept) and the dashboard freshness timestamps',
  },
  {
    construct: 'date + integer, date literals compared',
    sql: "select to_char('2022-10-01'::date + 1, 'YYYY-MM-DD') || ' ' || case when '2022-10-02'::date between '2022-10-01' and '2022-10-03' then 'in' else 'out' end as v",
    expected: { postgres: '2022-10-02 in', vertica: '2022-10-02 in' },
    usedBy: 'the marts\' day windows (previous day, rate reach) and every `between` on a day',
  },
];
