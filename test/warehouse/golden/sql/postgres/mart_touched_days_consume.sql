delete from stg.touched_days
where day = $1::date
  and kind = $2
  and touched_at = $3::timestamptz
