-- The dashboard's connection may only read: every later transaction of the
-- session is read-only, so no endpoint can write even by mistake.
set session characteristics as transaction read only
