delete from stg.touched_days
where day = ?::date
  and kind = ?
  and touched_at = ?::timestamptz
