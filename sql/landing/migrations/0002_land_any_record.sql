-- Land anything a topic can carry (issue 16). Two things a Kafka record can
-- hold did not fit migration 0001's columns:
--  * header names are bytes on the wire (any bytes: NUL, invalid UTF-8, names
--    such as "constructor" or "__proto__"), and a jsonb text key cannot carry
--    NUL or invalid UTF-8. Headers are now a two-dimensional bytea array,
--    one [name, value] pair per header in record order, duplicates kept:
--    headers[i][1] is the i-th name, headers[i][2] its value (null = a null
--    header value). null = the record has no headers.
--  * a record timestamp is any int64 of milliseconds (0, negative, up to
--    Long.MAX_VALUE when a topic raises message.timestamp.after.max.ms), most
--    of which timestamptz cannot hold. kafka_timestamp_ms keeps the exact
--    value; kafka_timestamp is the same instant as timestamptz, or null when
--    it is outside PostgreSQL's range.

create function raw.headers_from_jsonb(headers jsonb) returns bytea[]
language sql immutable strict as $$
    select array(
        select array[convert_to(h ->> 'key', 'UTF8'), decode(h ->> 'value', 'base64')]
        from jsonb_array_elements(headers) with ordinality as e (h, n)
        order by n
    )
$$;

alter table raw.kafka_messages
    alter column headers type bytea[] using raw.headers_from_jsonb(headers);

drop function raw.headers_from_jsonb(jsonb);

alter table raw.kafka_messages
    add column kafka_timestamp_ms bigint;

update raw.kafka_messages
set kafka_timestamp_ms = (extract(epoch from kafka_timestamp) * 1000)::bigint;

alter table raw.kafka_messages
    alter column kafka_timestamp_ms set not null,
    alter column kafka_timestamp drop not null;

-- A record the landing database cannot hold (a value past bytea's 1 GB, or a
-- data or program-limit error PostgreSQL raised for its row): kept here with
-- its coordinates, the reason, PostgreSQL's SQLSTATE and what of its bytes
-- could be kept, committed in the transaction that advances the offsets past
-- it. Counted, never silently skipped, never retried forever.
create table raw.landing_rejects (
    topic              text        not null,
    partition          integer     not null,
    "offset"           bigint      not null,
    reason             text        not null,   -- stable code, e.g. 'data_error', 'program_limit'
    sqlstate           text,                   -- PostgreSQL's error code when it refused the row
    detail             text        not null,   -- readable, sanitised (no NUL, valid UTF-8)
    key                bytea,
    value              bytea,                  -- null when the value itself could not be kept
    value_length       bigint,                 -- the value's length in bytes as fetched (null = no value)
    headers            bytea[],
    kafka_timestamp_ms bigint      not null,
    rejected_at        timestamptz not null default now(),
    primary key (topic, partition, "offset")
);
