delete from cdm.build_failures
where date_update between $1::date and $2::date
