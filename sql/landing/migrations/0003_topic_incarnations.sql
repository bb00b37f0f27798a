-- Topic incarnations (issue 17). A topic deleted and created again under the
-- same name starts again at offset 0, and an unclean leader election can cut
-- a partition's log below what was landed: either way Kafka hands out
-- offsets the landing already holds rows for. Each lineage of a topic's log
-- as the landing saw it is an incarnation, numbered from 0 per topic, and
-- every landed row, reject and offset row says which one it belongs to, so a
-- new incarnation's offset 0 is a new row, never a duplicate of the old one.
--
-- A new incarnation is opened only by an ingester told so
-- (--on-offset-reset=earliest|latest), in the transaction that writes its
-- starting offsets; without it the ingester stops (exit 9). The current
-- incarnation of a topic is its highest number.

create table raw.topic_incarnations (
    topic       text        not null,
    incarnation integer     not null check (incarnation >= 0),
    -- Kafka's id of the topic (Metadata v10+) as Kafka prints it (22
    -- characters of base64url, as in `kafka-topics --describe`). Null for
    -- the incarnation of rows landed before ids were recorded: the first
    -- ingester that sees the topic records the id it finds.
    topic_id    text,
    -- why it was opened: 'first_seen', 'before_topic_ids' (this migration),
    -- 'topic_recreated' (the topic id changed) or 'log_truncated' (a stored
    -- offset past the end of the log under the same id)
    reason      text        not null,
    reset_to    text,                   -- 'earliest' or 'latest' for a reset; null otherwise
    opened_by   text,                   -- the consumer group whose ingester opened it
    opened_at   timestamptz not null default now(),
    primary key (topic, incarnation)
);

-- Every topic the landing already holds belongs to incarnation 0, id unknown.
-- Topics of raw.kafka_messages are found with a loose index scan on its
-- primary key (one probe per topic, not a scan of the landed rows).
insert into raw.topic_incarnations (topic, incarnation, reason)
with recursive landed_topics as (
    (
        select topic
        from raw.kafka_messages
        order by topic
        limit 1
    )
    union all
    select next_topic.topic
    from landed_topics as previous
    cross join lateral (
        select k.topic
        from raw.kafka_messages as k
        where k.topic > previous.topic
        order by k.topic
        limit 1
    ) as next_topic
)

select
    known.topic,
    0,
    'before_topic_ids'
from (
    select topic from landed_topics
    union
    select topic from raw.consumer_offsets
    union
    select topic from raw.landing_rejects
) as known;

-- The incarnation joins each table's key, right after the topic (the STG
-- loader reads (topic, incarnation, partition, offset ranges)). Existing rows
-- are incarnation 0; then the default goes: every writer must say which
-- incarnation it writes. Rebuilding the primary key of raw.kafka_messages
-- holds its lock for as long as the index build takes (the landing zone is
-- purged once loaded, so it is usually small).
alter table raw.kafka_messages
    add column incarnation integer not null default 0 check (incarnation >= 0);
alter table raw.kafka_messages
    alter column incarnation drop default,
    drop constraint kafka_messages_pkey,
    add constraint kafka_messages_pkey primary key (topic, incarnation, partition, "offset");

alter table raw.landing_rejects
    add column incarnation integer not null default 0 check (incarnation >= 0);
alter table raw.landing_rejects
    alter column incarnation drop default,
    drop constraint landing_rejects_pkey,
    add constraint landing_rejects_pkey primary key (topic, incarnation, partition, "offset");

alter table raw.consumer_offsets
    add column incarnation integer not null default 0 check (incarnation >= 0);
alter table raw.consumer_offsets
    alter column incarnation drop default,
    drop constraint consumer_offsets_pkey,
    add constraint consumer_offsets_pkey primary key (group_id, topic, incarnation, partition);
