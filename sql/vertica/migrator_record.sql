-- Records a migration once all its statements ran: scope, version, name, checksum.
insert into public.turnover_migrations (scope, version, name, checksum)
values (?, ?, ?, ?)
