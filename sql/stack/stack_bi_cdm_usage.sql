-- ... and may see the marts schema, and nothing else in it but what it reads:
grant usage on schema cdm to turnover_bi
