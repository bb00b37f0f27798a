-- Records landed for a consumer group in the topic's current incarnation
-- (the sum of its next offsets there, comparable with Kafka's end offsets),
-- and which incarnation that is (0 when the landing has not seen the topic).
with current_incarnation as (
    select coalesce(max(incarnation), 0) as incarnation
    from raw.topic_incarnations
    where topic = $2
)

select
    coalesce(sum(o.next_offset), 0)::text as landed,
    current_incarnation.incarnation
from current_incarnation
left join raw.consumer_offsets as o
    on
        o.group_id = $1
        and o.topic = $2
        and o.incarnation = current_incarnation.incarnation
group by current_incarnation.incarnation
