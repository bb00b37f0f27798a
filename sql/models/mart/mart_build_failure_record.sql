-- Records that the build of a day was refused for its data (parameters: day,
-- SQLSTATE, the warehouse's message, at most 1,000 characters); a day that
-- failed before keeps one row, the latest. The text types are the Vertica
-- columns' widths (PostgreSQL's are text: no cast there may cut a value).
{{ upsert(cdm.build_failures, key date_update::date, set sqlstate::text(5), set detail::text(4000), now failed_at) }}
