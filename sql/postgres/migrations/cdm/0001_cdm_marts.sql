-- CDM layer: day-grain marts rebuilt whole per day (see docs/marts.md).
-- Every table is keyed by its day first, so replacing a day is one range delete.

create schema if not exists cdm;

-- Which days have been built, and when first: late arrivals are rows loaded
-- into STG after their day was first built. Bookkeeping, not a mart.
create table if not exists cdm.build_days (
    date_update    date        not null primary key,
    first_built_at timestamptz not null,
    last_built_at  timestamptz not null,
    builds         bigint      not null
);

-- Transaction types of the contract (SPEC §2); anything else is kept in STG
-- and counted in data quality. A new type becomes known by a new migration.
create table if not exists cdm.known_transaction_types (
    transaction_type text not null primary key
);
insert into cdm.known_transaction_types (transaction_type)
values
    ('authorization'),
    ('sbp_incoming'),
    ('sbp_outgoing'),
    ('transfer_incoming'),
    ('transfer_outgoing'),
    ('c2a_incoming'),
    ('c2b_partner_incoming'),
    ('c2b_partner_outgoing')
on conflict do nothing;

-- The USD rate each currency converts at on each day: the day's own
-- (currency, 420) quote, else the latest earlier one at most 7 days old
-- (stale). A currency without a row on a day has no usable rate (missing).
create table if not exists cdm.usd_rates_daily (
    date_update   date          not null,
    currency_code integer       not null,
    rate          numeric(20,6) not null,
    rate_date     date          not null,  -- the quote's own date
    rate_status   text          not null,  -- usd | same_day | stale
    primary key (date_update, currency_code)
);

-- Counted transactions per day and currency, before formatting: the common
-- base of global_metrics and turnover_drivers (V = A × F × T × R).
create table if not exists cdm.currency_daily (
    date_update      date          not null,
    currency_code    integer       not null,
    cnt_transactions bigint        not null,  -- N
    cnt_accounts     bigint        not null,  -- A, distinct account_number_to
    amount_local     numeric(20,2) not null,  -- gross, major units: sum(abs(amount)) / 100
    rate             numeric(20,6),           -- R; null when missing
    rate_date        date,
    rate_status      text          not null,  -- usd | same_day | stale | missing
    amount_usd       numeric(20,2),           -- round(amount_local × R, 2); null when missing
    primary key (date_update, currency_code)
);

-- The course contract (SPEC §4): exactly these six columns.
create table if not exists cdm.global_metrics (
    date_update                    date          not null,
    currency_from                  integer       not null,
    amount_total                   numeric(20,2),          -- USD; null when no rate (never 0)
    cnt_transactions               bigint        not null,
    avg_transactions_per_account   numeric(20,4) not null,
    cnt_accounts_make_transactions bigint        not null,
    primary key (date_update, currency_from)
);

-- Day-over-day change of USD turnover split into additive LMDI effects, one
-- row per (day, currency) present on either day plus one total row per day
-- (currency_from null, kind 'total'). Effects add up to change_usd to the cent
-- on every row.
create table if not exists cdm.turnover_drivers (
    date_update        date          not null,
    currency_from      integer,                  -- null on the total row
    kind               text          not null,   -- total | continuing | entry | exit | excluded
    turnover_prev_usd  numeric(20,2),
    turnover_usd       numeric(20,2),
    change_usd         numeric(20,2),
    accounts_prev      bigint,
    accounts           bigint,
    transactions_prev  bigint,
    transactions       bigint,
    ticket_prev        numeric(24,6),            -- average local amount per transaction
    ticket             numeric(24,6),
    rate_prev          numeric(20,6),
    rate               numeric(20,6),
    accounts_effect    numeric(20,2),
    frequency_effect   numeric(20,2),
    ticket_effect      numeric(20,2),
    fx_effect          numeric(20,2),
    entry_exit_effect  numeric(20,2),
    constraint turnover_drivers_day_currency unique nulls not distinct (date_update, currency_from)
);

-- Data quality in long format: one row per (day, metric, dimension), only
-- non-zero values. Metrics and their dimensions are listed in docs/marts.md.
create table if not exists cdm.data_quality_daily (
    date_update date          not null,
    metric      text          not null,
    dimension   text          not null,
    value       numeric(20,2) not null,
    primary key (date_update, metric, dimension)
);
