-- Consumes one queue row in the transaction that rebuilt its days, only if no
-- load touched the day again since it was read (a newer touched_at stays queued).
delete from stg.touched_days
where day = {{ param(1) }}::date
  and kind = {{ param(2) }}
  and touched_at = {{ param(3) }}::timestamptz
