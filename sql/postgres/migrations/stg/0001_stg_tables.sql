-- STG layer: parsed, validated, deduplicated records of the raw landing zone.
-- Every row keeps the Kafka coordinates of the version that won, so any STG
-- row can be traced back to the exact landed bytes.

create schema if not exists stg;

-- One row per (operation, status): an operation has one event per status change.
create table if not exists stg.transactions (
    operation_id        uuid        not null,
    status              text        not null,
    object_id           uuid        not null,
    account_number_from bigint      not null,
    account_number_to   bigint      not null,
    currency_code       integer     not null,
    country             text        not null,
    transaction_type    text        not null,
    amount              bigint      not null,
    transaction_dt      timestamp   not null,  -- UTC by contract
    transaction_date    date        not null,  -- UTC date of transaction_dt
    sent_dttm           timestamp   not null,  -- UTC by contract
    src_topic           text        not null,
    src_partition       integer     not null,
    src_offset          bigint      not null,
    loaded_at           timestamptz not null default now(),
    primary key (operation_id, status)
);
create index if not exists transactions_date_idx on stg.transactions (transaction_date);

-- One row per (day, currency pair); the latest version wins.
create table if not exists stg.currencies (
    date_update         date          not null,
    currency_code       integer       not null,
    currency_code_with  integer       not null,
    currency_with_div   numeric(20,6) not null,
    sent_dttm           timestamp     not null,
    src_topic           text          not null,
    src_partition       integer       not null,
    src_offset          bigint        not null,
    loaded_at           timestamptz   not null default now(),
    primary key (date_update, currency_code, currency_code_with)
);

-- Records that failed parsing or validation, with the exact landed bytes.
create table if not exists stg.rejects (
    src_topic           text        not null,
    src_partition       integer     not null,
    src_offset          bigint      not null,
    reason              text        not null,  -- stable RejectReason code
    field               text,                  -- the offending field, when there is one
    detail              text        not null,  -- readable explanation
    key                 bytea,
    value               bytea,
    kafka_timestamp     timestamptz,
    event_date          date        not null,  -- business date when recoverable, else the Kafka timestamp's UTC date
    rejected_at         timestamptz not null default now(),
    primary key (src_topic, src_partition, src_offset)
);
create index if not exists rejects_event_date_idx on stg.rejects (event_date);

-- A different payload arrived under an existing (operation_id, status): the
-- later (sent_dttm, offset) won; each such event is logged for data quality.
create table if not exists stg.transaction_conflicts (
    operation_id        uuid        not null,
    status              text        not null,
    transaction_date    date        not null,
    kept_partition      integer     not null,
    kept_offset         bigint      not null,
    other_partition     integer     not null,
    other_offset        bigint      not null,
    detected_at         timestamptz not null default now(),
    primary key (operation_id, status, other_partition, other_offset)
);
create index if not exists transaction_conflicts_date_idx on stg.transaction_conflicts (transaction_date);

-- Exactly-once watermark: the next raw offset to load per (topic, partition),
-- written in the same transaction as the rows it covers.
create table if not exists stg.load_state (
    topic               text        not null,
    partition           integer     not null,
    next_offset         bigint      not null,
    updated_at          timestamptz not null default now(),
    primary key (topic, partition)
);

-- Which business days loaded chunks touched, so the marts rebuild exactly
-- those days (late data included). A work queue: load-stg upserts a row per
-- touched (day, kind) in its chunk's transaction; build-marts deletes the rows
-- it consumed in the transaction that rebuilds those days, so a chunk that
-- commits during a build is never lost. `kind` is 'transactions' or 'currencies'.
create table if not exists stg.touched_days (
    day                 date        not null,
    kind                text        not null,
    touched_at          timestamptz not null default now(),
    primary key (day, kind)
);
