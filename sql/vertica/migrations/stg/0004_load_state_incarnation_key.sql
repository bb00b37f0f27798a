-- stg.load_state's enforced key gains the incarnation (migration 0003).
-- Vertica has no DROP CONSTRAINT IF EXISTS, so this is a migration that
-- cannot simply run again: should migrate stop between its two statements
-- (a lost connection), a re-run reports "constraint C_PRIMARY does not
-- exist" — then run the second statement by hand and migrate again (it
-- records the migration). C_PRIMARY is the name Vertica gives an unnamed
-- primary key (0001 declared it so). Meanwhile the loader's table lock
-- keeps watermarks unique.
alter table stg.load_state drop constraint C_PRIMARY;
alter table stg.load_state add constraint load_state_pkey primary key (topic, incarnation, "partition") enabled;
