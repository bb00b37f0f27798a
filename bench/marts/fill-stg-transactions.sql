-- Benchmark data: $2 operations on day $1 with the live feed's shape: ledger
-- accounts on the from side, skewed repeat customers on the to side, the
-- currency mix and the status lifecycle of the fixtures (queued → in_progress
-- → done | blocked, some done → chargeback), log-normal amounts, 0.1% test
-- accounts. About 2.9 rows per operation; $3 offsets the Kafka offsets.
insert into stg.transactions (
    operation_id,
    status,
    object_id,
    account_number_from,
    account_number_to,
    currency_code,
    country,
    transaction_type,
    amount,
    transaction_dt,
    transaction_date,
    sent_dttm,
    src_topic,
    src_partition,
    src_offset
)
with operations as (
    select
        n,
        gen_random_uuid() as operation_id,
        random() as r_currency,
        random() as r_account,
        random() as r_type,
        random() as r_status,
        sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) as normal,
        $1::date + make_interval(secs => floor(random() * 86390)) as started_at
    from generate_series(1, $2::int) as n
),

shaped as (
    select
        operations.*,
        case
            when r_currency < 0.45 then 430
            when r_currency < 0.60 then 410
            when r_currency < 0.72 then 470
            when r_currency < 0.80 then 450
            when r_currency < 0.88 then 440
            when r_currency < 0.95 then 420
            else 460
        end as currency_code,
        case
            when r_type < 0.55 then 'sbp_incoming'
            when r_type < 0.68 then 'c2a_incoming'
            when r_type < 0.80 then 'c2b_partner_incoming'
            when r_type < 0.86 then 'authorization'
            when r_type < 0.92 then 'sbp_outgoing'
            when r_type < 0.95 then 'transfer_outgoing'
            when r_type < 0.98 then 'transfer_incoming'
            else 'c2b_partner_outgoing'
        end as transaction_type
    from operations
),

priced as (
    select
        shaped.*,
        case currency_code
            when 410 then 'canada' when 420 then 'usa' when 430 then 'russia' when 440 then 'italy'
            when 450 then 'china' when 460 then 'england' else 'turkey'
        end as country,
        -- median ~ 50 USD in local minor units, log-normal spread
        greatest(1, round(exp(ln(case currency_code
            when 410 then 6800 when 420 then 5000 when 430 then 300000 when 440 then 4800
            when 450 then 35000 when 460 then 4100 else 90000
        end) + normal)))::bigint
            * case when transaction_type in ('authorization', 'sbp_outgoing', 'transfer_outgoing', 'c2b_partner_outgoing') then -1 else 1 end
            as amount,
        case when r_account < 0.001 then -1 when n % 2 = 0 then 903810 else 914810 end as account_number_from,
        1000000 + floor(2000000 * power(r_account, 3))::bigint as account_number_to
    from shaped
),

lifecycle as (
    select * from (
        values
            ('queued', 0),
            ('in_progress', 2),
            ('done', 5),
            ('blocked', 5),
            ('chargeback', 7200)
    ) as s (status, seconds_after)
),

events as (
    select
        priced.*,
        lifecycle.status,
        priced.started_at + make_interval(secs => lifecycle.seconds_after) as transaction_dt
    from priced
    cross join lifecycle
    where case lifecycle.status
        when 'queued' then true
        when 'in_progress' then r_status < 0.95
        when 'done' then r_status < 0.92
        when 'blocked' then r_status >= 0.92 and r_status < 0.95
        else r_status < 0.0092
    end
)

select
    operation_id,
    status,
    operation_id,
    account_number_from,
    account_number_to,
    currency_code,
    country,
    transaction_type,
    amount,
    transaction_dt,
    transaction_dt::date,
    transaction_dt,
    'bench',
    0,
    $3::bigint + n
from events
