-- Run in a warehouse database: the BI login may connect to it ...
do $$
begin
    execute format('grant connect on database %I to turnover_bi', current_database());
end
$$
