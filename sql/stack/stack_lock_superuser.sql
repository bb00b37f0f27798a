-- The local superuser's password (SCRAM, PostgreSQL 15's default
-- password_encryption): set once on a cluster an older turnover made with
-- trust authentication, before its pg_hba.conf stops trusting anyone.
-- The password is generated (URL-safe characters) and spliced by the caller,
-- since ALTER ROLE takes no bind parameters.
alter role postgres password '{{password}}'
