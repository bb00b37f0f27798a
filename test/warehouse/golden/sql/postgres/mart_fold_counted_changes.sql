with consumed as (
    delete from stg.counted_changes
    returning
        transaction_date,
        currency_code,
        customer_account,
        cnt_delta,
        amount_delta
),

account_changes as (
    select
        transaction_date as date_update,
        currency_code,
        customer_account,
        sum(cnt_delta) as cnt_delta,
        sum(amount_delta) as amount_delta
    from consumed
    group by
        transaction_date,
        currency_code,
        customer_account
),

folded_accounts as (
    insert into cdm.account_daily as account_daily (
        date_update,
        currency_code,
        customer_account,
        cnt_transactions,
        amount_minor
    )
    select
        date_update,
        currency_code,
        customer_account,
        cnt_delta,
        amount_delta
    from account_changes
    on conflict (date_update, currency_code, customer_account) do update
    set
        cnt_transactions = account_daily.cnt_transactions + excluded.cnt_transactions,
        amount_minor = account_daily.amount_minor + excluded.amount_minor
    returning
        account_daily.date_update,
        account_daily.currency_code,
        account_daily.customer_account,
        account_daily.cnt_transactions
),

currency_changes as (
    select
        account_changes.date_update,
        account_changes.currency_code,
        sum(account_changes.cnt_delta) as cnt_delta,
        sum(account_changes.amount_delta) as amount_delta,
        sum(
            case when folded_accounts.cnt_transactions > 0 then 1 else 0 end
            - case when folded_accounts.cnt_transactions - account_changes.cnt_delta > 0 then 1 else 0 end
        ) as accounts_delta
    from account_changes
    inner join folded_accounts
        on folded_accounts.date_update = account_changes.date_update
       and folded_accounts.currency_code = account_changes.currency_code
       and folded_accounts.customer_account = account_changes.customer_account
    group by
        account_changes.date_update,
        account_changes.currency_code
)

insert into cdm.currency_totals as currency_totals (
    date_update,
    currency_code,
    cnt_transactions,
    cnt_accounts,
    amount_minor
)
select
    date_update,
    currency_code,
    cnt_delta,
    accounts_delta,
    amount_delta
from currency_changes
on conflict (date_update, currency_code) do update
set
    cnt_transactions = currency_totals.cnt_transactions + excluded.cnt_transactions,
    cnt_accounts = currency_totals.cnt_accounts + excluded.cnt_accounts,
    amount_minor = currency_totals.amount_minor + excluded.amount_minor
