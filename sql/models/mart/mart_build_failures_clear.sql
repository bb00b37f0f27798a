-- The days from..to (parameters 1, 2) are being built: a failure recorded for
-- them earlier is over.
delete from cdm.build_failures
where date_update between {{ param(1) }}::date and {{ param(2) }}::date
