insert into public.turnover_migrations (scope, version, name, checksum)
values (?, ?, ?, ?)
