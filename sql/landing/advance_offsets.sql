-- Fenced advance of a group's next offsets, run in the transaction that lands
-- the rows. A partition with a row advances only from the offset the writer
-- expected; a partition without one gets its row created (the expectation
-- then came from what is landed, see read_offsets.sql, and the primary key of
-- raw.kafka_messages guards it). Returns the partitions that advanced: any
-- partition missing from the result means another process moved it first,
-- and the caller rolls the whole transaction back.
-- $1 group_id, $2 topic, $3 incarnation, $4 partitions,
-- $5 expected next offsets (null = no row), $6 new next offsets
with wanted as (
    select
        w.partition,
        w.expected_offset,
        w.next_offset
    from unnest($4::int[], $5::bigint[], $6::bigint[]) as w (partition, expected_offset, next_offset)
),

advanced as (
    update raw.consumer_offsets as o
    set
        next_offset = w.next_offset,
        updated_at = now()
    from wanted as w
    where o.group_id = $1
      and o.topic = $2
      and o.incarnation = $3
      and o.partition = w.partition
      and o.next_offset = w.expected_offset
    returning o.partition
),

started as (
    insert into raw.consumer_offsets (group_id, topic, incarnation, partition, next_offset, updated_at)
    select
        $1,
        $2,
        $3,
        w.partition,
        w.next_offset,
        now()
    from wanted as w
    where not exists (
        select 1
        from raw.consumer_offsets as o
        where o.group_id = $1
          and o.topic = $2
          and o.incarnation = $3
          and o.partition = w.partition
    )
    on conflict (group_id, topic, incarnation, partition) do nothing
    returning partition
)

select partition from advanced
union all
select partition from started
