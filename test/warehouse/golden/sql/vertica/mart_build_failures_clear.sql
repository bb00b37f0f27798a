delete from cdm.build_failures
where date_update between ?::date and ?::date
