-- Enqueues a business day for the marts (parameters: day, kind: transactions
-- or currencies); a day already queued gets a fresh touched_at.
{{ upsert(stg.touched_days, key day::date, key kind, now touched_at) }}
