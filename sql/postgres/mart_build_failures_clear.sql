-- The days $1..$2 are being built: a failure recorded for them earlier is over.
delete from cdm.build_failures
where date_update between $1::date and $2::date
