select
    load_state.topic,
    load_state."partition" as partition_id,
    load_state.next_offset,
    to_char(load_state.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at
from stg.load_state
order by
    load_state.topic,
    load_state."partition"
