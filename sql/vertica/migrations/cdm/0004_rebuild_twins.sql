-- The swap twin of each day-partitioned mart: whole days are rebuilt into it
-- and swapped into the mart by partition (VerticaSession.replaceDays), never
-- deleted, so no delete vectors pile up. SWAP_PARTITIONS_BETWEEN_TABLES needs
-- both tables alike in columns, constraints, partition clause and projections:
-- LIKE … INCLUDING PROJECTIONS copies them.
create table if not exists cdm.usd_rates_daily_rebuild like cdm.usd_rates_daily including projections;
create table if not exists cdm.currency_daily_rebuild like cdm.currency_daily including projections;
create table if not exists cdm.global_metrics_rebuild like cdm.global_metrics including projections;
create table if not exists cdm.turnover_drivers_rebuild like cdm.turnover_drivers including projections;
create table if not exists cdm.data_quality_daily_rebuild like cdm.data_quality_daily including projections;
