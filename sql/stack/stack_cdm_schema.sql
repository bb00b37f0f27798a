-- ... whose marts schema exists before its grants (the cdm migration creates
-- it the same way, if not exists, so the two orders agree).
create schema if not exists cdm
