-- The BI login's password, kept in the state dir (spliced by the caller: ALTER
-- ROLE takes no bind parameters; the password is URL-safe characters only).
alter role turnover_bi password '{{password}}'
