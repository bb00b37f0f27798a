-- Every later statement of the dashboard's session is cancelled by the server
-- after $1 (milliseconds, as text): a slow query answers 503 and frees its
-- connection instead of holding it. set_config, unlike SET, takes a bound value.
select set_config('statement_timeout', $1, false)
