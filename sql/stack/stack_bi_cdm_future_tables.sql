-- ... and every mart the pipeline's login (which runs the migrations) creates
-- later. Nothing in stg, raw or public: the BI login has no grant there.
alter default privileges for role postgres in schema cdm grant select on tables to turnover_bi
