-- The days ?..? are being built: a failure recorded for them earlier is over.
delete from cdm.build_failures
where date_update between ?::date and ?::date
