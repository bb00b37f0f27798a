-- The landing session is ended by the server when it sits inside a transaction
-- longer than $1 (milliseconds, as text): a writer frozen mid-transaction
-- releases its offset rows' locks (src/ingest/landing-store.ts says why).
-- set_config, unlike SET, takes a bound value.
select set_config('idle_in_transaction_session_timeout', $1, false)
