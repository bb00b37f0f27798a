insert into cdm.turnover_drivers (
    date_update,
    currency_from,
    kind,
    turnover_prev_usd,
    turnover_usd,
    change_usd,
    accounts_prev,
    accounts,
    transactions_prev,
    transactions,
    ticket_prev,
    ticket,
    rate_prev,
    rate,
    accounts_effect,
    frequency_effect,
    ticket_effect,
    fx_effect,
    entry_exit_effect
)
with params as (
    select
        ?::date as day_from,
        ?::date as day_to
),

built_pairs as (
    select current_day.date_update
    from cdm.build_days as current_day
    cross join params
    inner join cdm.build_days as previous_day
        on previous_day.date_update = current_day.date_update - 1
    where current_day.date_update between params.day_from and params.day_to
),

current_side as (
    select
        built_pairs.date_update,
        currency_daily.currency_code,
        currency_daily.cnt_accounts,
        currency_daily.cnt_transactions,
        currency_daily.amount_local,
        currency_daily.rate,
        currency_daily.amount_usd
    from built_pairs
    inner join cdm.currency_daily
        on currency_daily.date_update = built_pairs.date_update
),

previous_side as (
    select
        built_pairs.date_update,
        currency_daily.currency_code,
        currency_daily.cnt_accounts,
        currency_daily.cnt_transactions,
        currency_daily.amount_local,
        currency_daily.rate,
        currency_daily.amount_usd
    from built_pairs
    inner join cdm.currency_daily
        on currency_daily.date_update = built_pairs.date_update - 1
),

paired as (
    select
        coalesce(current_side.date_update, previous_side.date_update) as date_update,
        coalesce(current_side.currency_code, previous_side.currency_code) as currency_code,
        case
            when previous_side.currency_code is not null and current_side.currency_code is not null
                then case when previous_side.rate is not null and current_side.rate is not null then 'continuing' else 'excluded' end
            when current_side.currency_code is not null
                then case when current_side.rate is not null then 'entry' else 'excluded' end
            else case when previous_side.rate is not null then 'exit' else 'excluded' end
        end as kind,
        previous_side.amount_usd as turnover_prev_usd,
        current_side.amount_usd as turnover_usd,
        previous_side.cnt_accounts as accounts_prev,
        current_side.cnt_accounts as accounts,
        previous_side.cnt_transactions as transactions_prev,
        current_side.cnt_transactions as transactions,
        previous_side.amount_local as amount_local_prev,
        current_side.amount_local,
        previous_side.rate as rate_prev,
        current_side.rate
    from current_side
    full outer join previous_side
        on previous_side.date_update = current_side.date_update
       and previous_side.currency_code = current_side.currency_code
),

continuing as (
    select
        date_update,
        currency_code,
        ((turnover_usd - turnover_prev_usd) * 100)::int as change_cents,
        accounts_prev::float as accounts_prev,
        accounts::float as accounts,
        transactions_prev::float as transactions_prev,
        transactions::float as transactions,
        amount_local_prev::float as amount_local_prev,
        amount_local::float as amount_local,
        rate_prev::float as rate_prev,
        rate::float as rate,
        amount_local_prev::float * rate_prev::float as value_prev,
        amount_local::float * rate::float as value
    from paired
    where kind = 'continuing'
),

log_mean_weights as (
    select
        continuing.*,
        case
            when value_prev <= 0 or value <= 0 then null
            when abs(value - value_prev) <= 1e-9 * value_prev then (value + value_prev) / 2
            else (value - value_prev) / ln(value / value_prev)
        end as weight
    from continuing
),

raw_effects as (
    select
        date_update,
        currency_code,
        change_cents,
        case when weight is null then 0 else weight * ln(accounts / accounts_prev) end * 100 as accounts_cents,
        case when weight is null then 0 else weight * ln((transactions * accounts_prev) / (transactions_prev * accounts)) end * 100 as frequency_cents,
        case when weight is null then value - value_prev else weight * ln((amount_local * transactions_prev) / (amount_local_prev * transactions)) end * 100 as ticket_cents,
        case when weight is null then 0 else weight * ln(rate / rate_prev) end * 100 as fx_cents
    from log_mean_weights
),

effects_long as (
    select date_update, currency_code, change_cents, 1 as effect_no, accounts_cents as raw_cents from raw_effects
    union all
    select date_update, currency_code, change_cents, 2 as effect_no, frequency_cents as raw_cents from raw_effects
    union all
    select date_update, currency_code, change_cents, 3 as effect_no, ticket_cents as raw_cents from raw_effects
    union all
    select date_update, currency_code, change_cents, 4 as effect_no, fx_cents as raw_cents from raw_effects
),

floored as (
    select
        date_update,
        currency_code,
        change_cents,
        effect_no,
        floor(raw_cents)::int as floor_cents,
        raw_cents - floor(raw_cents) as remainder
    from effects_long
),

cents_left as (
    select
        date_update,
        currency_code,
        min(change_cents) - sum(floor_cents) as cents_left
    from floored
    group by
        date_update,
        currency_code
),

ranked as (
    select
        floored.date_update,
        floored.currency_code,
        floored.effect_no,
        floored.floor_cents,
        cents_left.cents_left,
        row_number() over (
            partition by floored.date_update, floored.currency_code
            order by floored.remainder desc, floored.effect_no
        ) as remainder_rank
    from floored
    inner join cents_left
        on cents_left.date_update = floored.date_update
       and cents_left.currency_code = floored.currency_code
),

allocated as (
    select
        date_update,
        currency_code,
        effect_no,
        floor_cents
            + floor(cents_left / 4.0)
            + case when remainder_rank <= cents_left - 4 * floor(cents_left / 4.0) then 1 else 0 end as cents
    from ranked
),

lmdi_effects as (
    select
        date_update,
        currency_code,
        sum(case when effect_no = 1 then cents end) * 0.01 as accounts_effect,
        sum(case when effect_no = 2 then cents end) * 0.01 as frequency_effect,
        sum(case when effect_no = 3 then cents end) * 0.01 as ticket_effect,
        sum(case when effect_no = 4 then cents end) * 0.01 as fx_effect
    from allocated
    group by
        date_update,
        currency_code
),

currency_rows as (
    select
        paired.date_update,
        paired.currency_code as currency_from,
        paired.kind,
        case when paired.kind = 'entry' then 0 else paired.turnover_prev_usd end as turnover_prev_usd,
        case when paired.kind = 'exit' then 0 else paired.turnover_usd end as turnover_usd,
        case
            when paired.kind = 'excluded' then null
            else coalesce(paired.turnover_usd, 0) - coalesce(paired.turnover_prev_usd, 0)
        end as change_usd,
        coalesce(paired.accounts_prev, 0) as accounts_prev,
        coalesce(paired.accounts, 0) as accounts,
        coalesce(paired.transactions_prev, 0) as transactions_prev,
        coalesce(paired.transactions, 0) as transactions,
        round(paired.amount_local_prev / paired.transactions_prev, 6) as ticket_prev,
        round(paired.amount_local / paired.transactions, 6) as ticket,
        paired.rate_prev,
        paired.rate,
        case paired.kind when 'continuing' then lmdi_effects.accounts_effect when 'excluded' then null else 0 end as accounts_effect,
        case paired.kind when 'continuing' then lmdi_effects.frequency_effect when 'excluded' then null else 0 end as frequency_effect,
        case paired.kind when 'continuing' then lmdi_effects.ticket_effect when 'excluded' then null else 0 end as ticket_effect,
        case paired.kind when 'continuing' then lmdi_effects.fx_effect when 'excluded' then null else 0 end as fx_effect,
        case paired.kind
            when 'entry' then paired.turnover_usd
            when 'exit' then -paired.turnover_prev_usd
            when 'continuing' then 0
        end as entry_exit_effect
    from paired
    left join lmdi_effects
        on lmdi_effects.date_update = paired.date_update
       and lmdi_effects.currency_code = paired.currency_code
),

total_rows as (
    select
        built_pairs.date_update,
        null::int as currency_from,
        'total' as kind,
        coalesce(sum(case when currency_rows.kind <> 'excluded' then currency_rows.turnover_prev_usd end), 0) as turnover_prev_usd,
        coalesce(sum(case when currency_rows.kind <> 'excluded' then currency_rows.turnover_usd end), 0) as turnover_usd,
        coalesce(sum(currency_rows.change_usd), 0) as change_usd,
        null::int as accounts_prev,
        null::int as accounts,
        coalesce(sum(case when currency_rows.kind <> 'excluded' then currency_rows.transactions_prev end), 0) as transactions_prev,
        coalesce(sum(case when currency_rows.kind <> 'excluded' then currency_rows.transactions end), 0) as transactions,
        null::numeric as ticket_prev,
        null::numeric as ticket,
        null::numeric as rate_prev,
        null::numeric as rate,
        coalesce(sum(currency_rows.accounts_effect), 0) as accounts_effect,
        coalesce(sum(currency_rows.frequency_effect), 0) as frequency_effect,
        coalesce(sum(currency_rows.ticket_effect), 0) as ticket_effect,
        coalesce(sum(currency_rows.fx_effect), 0) as fx_effect,
        coalesce(sum(currency_rows.entry_exit_effect), 0) as entry_exit_effect
    from built_pairs
    left join currency_rows
        on currency_rows.date_update = built_pairs.date_update
    group by built_pairs.date_update
)

select * from currency_rows
union all
select * from total_rows
