-- Raw landing zone (SPEC §3): every Kafka record "as is", with its coordinates,
-- and the consumer group's next offsets, written in the same transaction as
-- the records they cover. Both the Node and the Spark ingesters write these
-- tables, so the column meanings below are the contract.

create schema if not exists raw;

create table if not exists raw.kafka_messages (
    topic           text        not null,
    partition       integer     not null,
    "offset"        bigint      not null,
    key             bytea,                  -- null = no key; '' = empty key
    value           bytea,                  -- the exact bytes; null = tombstone (no value); '' = empty value
    -- Record headers in their order, duplicates kept:
    -- [{"key": "<utf-8 name>", "value": "<base64 of the bytes>" | null}, ...];
    -- null when the record has no headers.
    headers         jsonb,
    kafka_timestamp timestamptz not null,   -- the record's timestamp (CreateTime or LogAppendTime), ms precision
    ingested_at     timestamptz not null default now(),  -- start of the landing transaction
    -- The access path of the STG loader: (topic, partition, offset ranges).
    primary key (topic, partition, "offset")
);

-- Values above ~2 kB are moved out of line; skip pglz compression of them
-- (CPU on the write path, and feed values barely compress).
alter table raw.kafka_messages alter column value set storage external;

-- The next offset to land per (group, topic, partition): the source of truth
-- for where a consumer starts. Advanced only with a fenced update
-- (sql/landing/advance_offsets.sql) inside the transaction of the rows.
create table if not exists raw.consumer_offsets (
    group_id    text        not null,
    topic       text        not null,
    partition   integer     not null,
    next_offset bigint      not null check (next_offset >= 0),
    updated_at  timestamptz not null default now(),
    primary key (group_id, topic, partition)
);
