select
    version,
    checksum
from public.turnover_migrations
where scope = ?
