-- CDM layer on Vertica: the same tables and meanings as
-- sql/postgres/migrations/cdm/0001_cdm_marts.sql (read its comments).
-- Vertica commits DDL at once, so every statement is idempotent and a
-- half-applied run is simply applied again. Day-grain tables are partitioned
-- by day (grouped into months and years after two of each, far below the
-- partition limit), so replacing a day touches only its partition; the marts
-- are small (tens of rows a day) and replicated on every node.

create schema if not exists cdm;

create table if not exists cdm.build_days (
    date_update date not null,
    first_built_at timestamptz not null,
    last_built_at timestamptz not null,
    builds int not null,
    primary key (date_update) enabled
)
order by date_update
unsegmented all nodes;

create table if not exists cdm.known_transaction_types (
    transaction_type varchar(64) not null,
    primary key (transaction_type) enabled
)
order by transaction_type
unsegmented all nodes;

insert into cdm.known_transaction_types (transaction_type)
select contract.transaction_type
from (
    select 'authorization' as transaction_type
    union all select 'sbp_incoming'
    union all select 'sbp_outgoing'
    union all select 'transfer_incoming'
    union all select 'transfer_outgoing'
    union all select 'c2a_incoming'
    union all select 'c2b_partner_incoming'
    union all select 'c2b_partner_outgoing'
) as contract
where contract.transaction_type not in (select known.transaction_type from cdm.known_transaction_types as known);

create table if not exists cdm.usd_rates_daily (
    date_update date not null,
    currency_code int not null,
    rate numeric(20, 6) not null,
    rate_date date not null,
    rate_status varchar(16) not null,
    primary key (date_update, currency_code)
)
order by date_update, currency_code
unsegmented all nodes
partition by date_update group by calendar_hierarchy_day(date_update, 2, 2);

create table if not exists cdm.currency_daily (
    date_update date not null,
    currency_code int not null,
    cnt_transactions int not null,
    cnt_accounts int not null,
    amount_local numeric(20, 2) not null,
    rate numeric(20, 6),
    rate_date date,
    rate_status varchar(16) not null,
    amount_usd numeric(20, 2),
    primary key (date_update, currency_code)
)
order by date_update, currency_code
unsegmented all nodes
partition by date_update group by calendar_hierarchy_day(date_update, 2, 2);

create table if not exists cdm.global_metrics (
    date_update date not null,
    currency_from int not null,
    amount_total numeric(20, 2),
    cnt_transactions int not null,
    avg_transactions_per_account numeric(20, 4) not null,
    cnt_accounts_make_transactions int not null,
    primary key (date_update, currency_from)
)
order by date_update, currency_from
unsegmented all nodes
partition by date_update group by calendar_hierarchy_day(date_update, 2, 2);

create table if not exists cdm.turnover_drivers (
    date_update date not null,
    currency_from int,
    kind varchar(16) not null,
    turnover_prev_usd numeric(20, 2),
    turnover_usd numeric(20, 2),
    change_usd numeric(20, 2),
    accounts_prev int,
    accounts int,
    transactions_prev int,
    transactions int,
    ticket_prev numeric(24, 6),
    ticket numeric(24, 6),
    rate_prev numeric(20, 6),
    rate numeric(20, 6),
    accounts_effect numeric(20, 2),
    frequency_effect numeric(20, 2),
    ticket_effect numeric(20, 2),
    fx_effect numeric(20, 2),
    entry_exit_effect numeric(20, 2)
)
order by date_update, currency_from
unsegmented all nodes
partition by date_update group by calendar_hierarchy_day(date_update, 2, 2);

create table if not exists cdm.data_quality_daily (
    date_update date not null,
    metric varchar(64) not null,
    dimension varchar(128) not null,
    value numeric(20, 2) not null,
    primary key (date_update, metric, dimension)
)
order by date_update, metric, dimension
unsegmented all nodes
partition by date_update group by calendar_hierarchy_day(date_update, 2, 2);
