-- STG layer on Vertica: the same tables and meanings as
-- sql/postgres/migrations/stg/0001_stg_tables.sql (read its comments).
-- Vertica commits DDL at once, so every statement is idempotent and a
-- half-applied run is simply applied again. Each table's superprojection is
-- declared here: sort order for the loader's and marts' lookups, segmentation
-- by a hash of the key over all nodes, and partitions by business day (grouped
-- into months and years after two of each, to stay far below the partition
-- limit) so whole days can be replaced and old days dropped cheaply.
-- Primary keys are not enforced (Vertica's default): the loader guarantees
-- them under its lock; only stg.load_state's key is enforced.

create schema if not exists stg;

create table if not exists stg.transactions (
    operation_id uuid not null,
    status varchar(32) not null,
    object_id uuid not null,
    account_number_from int not null,
    account_number_to int not null,
    currency_code int not null,
    country varchar(64) not null,
    transaction_type varchar(64) not null,
    amount int not null,
    transaction_dt timestamp not null,
    transaction_date date not null,
    sent_dttm timestamp not null,
    src_topic varchar(255) not null,
    src_partition int not null,
    src_offset int not null,
    loaded_at timestamptz not null default now(),
    primary key (operation_id, status)
)
order by transaction_date, operation_id, status
segmented by hash(operation_id) all nodes
partition by transaction_date group by calendar_hierarchy_day(transaction_date, 2, 2);

create table if not exists stg.currencies (
    date_update date not null,
    currency_code int not null,
    currency_code_with int not null,
    currency_with_div numeric(20, 6) not null,
    sent_dttm timestamp not null,
    src_topic varchar(255) not null,
    src_partition int not null,
    src_offset int not null,
    loaded_at timestamptz not null default now(),
    primary key (date_update, currency_code, currency_code_with)
)
order by date_update, currency_code, currency_code_with
unsegmented all nodes
partition by date_update group by calendar_hierarchy_day(date_update, 2, 2);

create table if not exists stg.rejects (
    src_topic varchar(255) not null,
    src_partition int not null,
    src_offset int not null,
    reason varchar(64) not null,
    field varchar(255),
    detail varchar(4000) not null,
    key long varbinary(32000000),
    value long varbinary(32000000),
    kafka_timestamp timestamptz,
    event_date date not null,
    rejected_at timestamptz not null default now(),
    primary key (src_topic, src_partition, src_offset)
)
order by event_date, reason
segmented by hash(src_topic, src_partition, src_offset) all nodes
partition by event_date group by calendar_hierarchy_day(event_date, 2, 2);

create table if not exists stg.transaction_conflicts (
    operation_id uuid not null,
    status varchar(32) not null,
    transaction_date date not null,
    kept_partition int not null,
    kept_offset int not null,
    other_partition int not null,
    other_offset int not null,
    detected_at timestamptz not null default now(),
    primary key (operation_id, status, other_partition, other_offset)
)
order by transaction_date, operation_id, status
segmented by hash(operation_id) all nodes
partition by transaction_date group by calendar_hierarchy_day(transaction_date, 2, 2);

create table if not exists stg.load_state (
    topic varchar(255) not null,
    "partition" int not null,
    next_offset int not null,
    updated_at timestamptz not null default now(),
    primary key (topic, "partition") enabled
)
order by topic, "partition"
unsegmented all nodes;

create table if not exists stg.touched_days (
    day date not null,
    kind varchar(32) not null,
    touched_at timestamptz not null default now(),
    primary key (day, kind) enabled
)
order by day, kind
unsegmented all nodes;
