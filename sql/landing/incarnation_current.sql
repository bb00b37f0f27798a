-- The current (highest) incarnation of topic $1, and whether Kafka's topic id
-- $2, other than the current one's, belonged to an earlier incarnation (then
-- that id came from stale metadata: a topic never gets an old id back; a
-- truncated log's incarnations share one id).
select
    i.incarnation,
    i.topic_id,
    i.reason,
    i.topic_id is distinct from $2
    and exists (
        select 1
        from raw.topic_incarnations as e
        where e.topic = $1
          and e.incarnation < i.incarnation
          and e.topic_id = $2
    ) as id_seen_before
from raw.topic_incarnations as i
where i.topic = $1
order by i.incarnation desc
limit 1
