"""
The turnover pipeline's Airflow 3 DAGs: `turnover_load_stg` and `turnover_build_marts`.

Every task runs one command of the `turnover` CLI (SPEC section 5); the DAGs hold no pipeline logic.
The stages are idempotent and retry-safe (STG keeps its offsets in the warehouse, in the same
transaction as the rows; marts replace whole days), so no retry or rerun loads or counts anything
twice. One self-contained file on purpose: it works wherever it is dropped into a DAG bundle,
with no sibling module to put on `sys.path`.

Configuration (docs/airflow.md has the details):

* DAG shape (schedule, start date, retries, timeouts) comes from `TURNOVER_AIRFLOW_*` in the
  environment of the process that parses the file. Airflow advises against Variables at the top
  level of a DAG file: they would be fetched on every parse.
* What a task needs to run is resolved when it runs, Airflow first, then the worker's environment:
  the CLI from the Variable `turnover_cli` or `TURNOVER_CLI`; the URLs from the Connections
  `turnover_staging` (the landing) / `turnover_warehouse` or `TURNOVER_LANDING_URL` (old name
  `TURNOVER_STAGING_URL`, still read by the CLI) / `TURNOVER_WAREHOUSE_URL`;
  other `TURNOVER_*` settings from the JSON Variable `turnover_env` or the environment.
  Secrets go in Connections or a secrets backend, never in this file or in `turnover_env`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from airflow.exceptions import AirflowException, AirflowFailException, AirflowNotFoundException
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Connection, Param, TriggerRule, Variable
from airflow.timetables.interval import CronDataIntervalTimetable
from airflow.timetables.trigger import CronTriggerTimetable

CLI_VARIABLE = "turnover_cli"
ENV_VARIABLE = "turnover_env"
URL_CONNECTIONS: Mapping[str, str] = {
    # the landing's URL under its current name, which the CLI reads before the old TURNOVER_STAGING_URL
    "turnover_staging": "TURNOVER_LANDING_URL",
    "turnover_warehouse": "TURNOVER_WAREHOUSE_URL",
}
DEFAULT_CLI = "turnover"
# Exit statuses of the CLI (src/errors.ts) after which a retry cannot succeed, and bash's own
# "not executable" / "not found" (a wrong CLI path). Every other failure is retried with back-off.
NOT_RETRIABLE_EXIT_CODES: Mapping[int, str] = {
    2: "wrong command-line usage",
    3: "configuration error",
    4: "missing prerequisite",
    64: "command not implemented in this turnover version",
    126: "the turnover CLI is not executable",
    127: "the turnover CLI was not found: set the Variable turnover_cli or TURNOVER_CLI",
}
SKIP_EXIT_CODE = 99  # BashOperator's default skip_on_exit_code
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ENV_KEY = re.compile(r"^TURNOVER_[A-Z0-9_]+$")


# --- DAG shape: read from the environment when the file is parsed -------------------------------


@dataclass(frozen=True)
class DagSettings:
    start_date: datetime
    stg_schedule: str
    marts_catchup: bool
    retries: int
    retry_delay: timedelta
    max_retry_delay: timedelta
    stg_timeout: timedelta
    marts_timeout: timedelta

    def default_args(self, timeout: timedelta) -> dict[str, Any]:
        return {
            "owner": "turnover",
            "retries": self.retries,
            "retry_delay": self.retry_delay,
            "retry_exponential_backoff": True,
            "max_retry_delay": self.max_retry_delay,
            "execution_timeout": timeout,
            "depends_on_past": False,
        }


def dag_settings(env: Mapping[str, str]) -> DagSettings:
    """A bad value fails the import, with a message that names the variable."""
    return DagSettings(
        start_date=_day_setting(env, "TURNOVER_AIRFLOW_START_DATE", "2022-10-01"),
        stg_schedule=env.get("TURNOVER_AIRFLOW_STG_SCHEDULE", "").strip() or "*/15 * * * *",
        marts_catchup=_bool_setting(env, "TURNOVER_AIRFLOW_MARTS_CATCHUP", True),
        retries=_int_setting(env, "TURNOVER_AIRFLOW_RETRIES", 3, minimum=0),
        retry_delay=timedelta(seconds=_int_setting(env, "TURNOVER_AIRFLOW_RETRY_DELAY_SECONDS", 60, minimum=1)),
        max_retry_delay=timedelta(minutes=_int_setting(env, "TURNOVER_AIRFLOW_MAX_RETRY_DELAY_MINUTES", 30, minimum=1)),
        stg_timeout=timedelta(minutes=_int_setting(env, "TURNOVER_AIRFLOW_STG_TIMEOUT_MINUTES", 60, minimum=1)),
        marts_timeout=timedelta(minutes=_int_setting(env, "TURNOVER_AIRFLOW_MARTS_TIMEOUT_MINUTES", 120, minimum=1)),
    )


def _day_setting(env: Mapping[str, str], name: str, default: str) -> datetime:
    raw = env.get(name, "").strip() or default
    if DAY.match(raw):
        try:
            day = date.fromisoformat(raw)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        except ValueError:
            pass
    raise ValueError(f"{name} must be a day YYYY-MM-DD, got {raw!r}")


def _int_setting(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name, "").strip()
    if raw == "":
        return default
    if not re.fullmatch(r"\d+", raw) or int(raw) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {raw!r}")
    return int(raw)


def _bool_setting(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "true", "false"):
        return default if raw == "" else raw == "true"
    raise ValueError(f"{name} must be true or false, got {raw!r}")


# --- What a task runs: resolved when it runs ----------------------------------------------------


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{parts.hostname or ''}{port}"))


def resolve_task_environment(log: Any) -> dict[str, str]:
    """The variables a CLI call gets on top of the worker's environment, each source logged."""
    env = _env_variable(Variable.get(ENV_VARIABLE, default=None))
    if env:
        log.info("from Variable %s: %s", ENV_VARIABLE, ", ".join(sorted(env)))
    cli = Variable.get(CLI_VARIABLE, default=None)
    if cli:
        env["TURNOVER_CLI"] = cli
    log.info(
        "turnover CLI: %s (from %s)",
        cli or os.environ.get("TURNOVER_CLI") or DEFAULT_CLI,
        f"Variable {CLI_VARIABLE}" if cli else "TURNOVER_CLI" if os.environ.get("TURNOVER_CLI") else "the default, on PATH",
    )
    for conn_id, name in URL_CONNECTIONS.items():
        try:
            env[name] = Connection.get(conn_id).get_uri()
            log.info("%s from Connection %s: %s", name, conn_id, redact_url(env[name]))
        except AirflowNotFoundException:
            found = name in env or bool(os.environ.get(name))
            log.info("%s from %s (no Connection %s)", name, "the environment" if found else "nowhere", conn_id)
    return env


def _env_variable(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as error:
        raise AirflowFailException(f"Variable {ENV_VARIABLE} must be a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise AirflowFailException(f"Variable {ENV_VARIABLE} must be a JSON object of TURNOVER_* settings")
    env: dict[str, str] = {}
    for key, item in value.items():
        if not ENV_KEY.match(str(key)):
            raise AirflowFailException(f"Variable {ENV_VARIABLE}: {key!r} is not a TURNOVER_* variable name")
        if "PASSWORD" in key:
            raise AirflowFailException(f"Variable {ENV_VARIABLE}: {key} is a secret; use a Connection or a secrets backend")
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise AirflowFailException(f"Variable {ENV_VARIABLE}: {key} must be a string or a number")
        env[key] = str(item)
    return env


def interval_days(context: Mapping[str, Any]) -> tuple[date, date] | None:
    """First and last day (UTC, inclusive) a run stands for: its from/to params, else its data interval."""
    params = context.get("params") or {}
    first, last = _param_day(params, "from"), _param_day(params, "to")
    if first or last:
        first, last = first or last, last or first
        if first > last:
            raise AirflowFailException(f"param from ({first}) is after param to ({last})")
        return first, last
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if context.get("logical_date") is None or start is None or end is None:
        return None
    first = start.astimezone(timezone.utc).date()
    # the interval is half-open: [D 00:00, D+1 00:00) is the day D alone
    last = max(first, (end.astimezone(timezone.utc) - timedelta(microseconds=1)).date())
    return first, last


def _param_day(params: Mapping[str, Any], name: str) -> date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, str) and DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise AirflowFailException(f"param {name} must be a day YYYY-MM-DD, got {value!r}")


# --- Operators ----------------------------------------------------------------------------------


class TurnoverCliOperator(BashOperator):
    """Runs `$TURNOVER_CLI <arguments>`; fails at once, without retries, when retrying cannot help."""

    ui_color = "#d7ecf7"

    def __init__(self, *, arguments: list[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("do_xcom_push", False)
        super().__init__(bash_command="true", append_env=True, **kwargs)
        self.arguments = list(arguments or [])

    def cli_arguments(self, context: Mapping[str, Any]) -> list[str] | str:
        """This run's CLI arguments, or a message saying why the run has nothing to do (skip)."""
        return self.arguments

    def render_template_fields(self, context: Any, jinja_env: Any = None) -> None:
        # Set here, before Airflow records the rendered fields, so the UI shows each run's command.
        super().render_template_fields(context, jinja_env)
        arguments = self.cli_arguments(context)
        if isinstance(arguments, str):
            self.bash_command = f"echo {shlex.quote(arguments)}; exit {SKIP_EXIT_CODE}"
        else:
            self.bash_command = " ".join(["${TURNOVER_CLI:-" + DEFAULT_CLI + "}", *map(shlex.quote, arguments)])

    def execute(self, context: Any) -> Any:
        self.env = resolve_task_environment(self.log)
        try:
            return super().execute(context)
        except AirflowException as error:
            if type(error) is not AirflowException:  # skip, fail, timeout keep their meaning
                raise
            process = self.subprocess_hook.sub_process
            code = process.returncode if process is not None else None
            if code in NOT_RETRIABLE_EXIT_CODES:
                raise AirflowFailException(f"turnover exited with status {code}: {NOT_RETRIABLE_EXIT_CODES[code]}; not retrying") from error
            raise


class BuildMartsForIntervalOperator(TurnoverCliOperator):
    """`turnover build-marts --from D1 --to D2` for the run's days; skips when the run has none."""

    def cli_arguments(self, context: Mapping[str, Any]) -> list[str] | str:
        days = interval_days(context)
        if days is None:
            return (
                "This run has no data interval (a manual run without a logical date) and no from/to params: "
                "no interval to build. build_touched_days builds the days that late data touched."
            )
        return ["build-marts", "--from", days[0].isoformat(), "--to", days[1].isoformat()]


# --- The DAGs -----------------------------------------------------------------------------------

settings = dag_settings(os.environ)

with DAG(
    dag_id="turnover_load_stg",
    description="turnover load-stg --until-caught-up: raw landing -> warehouse STG, exactly once",
    doc_md="""
Loads everything landed so far into STG and exits (`turnover load-stg --until-caught-up`). A run
never depends on its data interval, so missed runs are not caught up: the next run loads what they
would have loaded. One run at a time; a run still going when the next is due makes it wait.
""",
    # a run loads whatever has landed: it stands for a moment, not an interval
    schedule=CronTriggerTimetable(settings.stg_schedule, timezone="UTC"),
    start_date=settings.start_date,
    catchup=False,
    max_active_runs=1,
    default_args=settings.default_args(timeout=settings.stg_timeout),
    tags=["turnover"],
):
    TurnoverCliOperator(task_id="load_stg", arguments=["load-stg", "--until-caught-up"])

DAY_PARAM: dict[str, Any] = {"type": ["null", "string"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}

with DAG(
    dag_id="turnover_build_marts",
    description="turnover build-marts for the data interval's day, then for the days late data touched",
    doc_md="""
A run for day D (its data interval, UTC) runs after D has ended:
1. `build_interval_days`: `turnover build-marts --from D --to D` rebuilds D whole;
2. `build_touched_days`: `turnover build-marts` rebuilds every day STG received rows for since the
   last build, so late data for older days reaches the marts too.

Whole days are replaced in one transaction: retries and reruns give identical tables.
`max_active_runs=1` keeps days in order (the drivers of D compare D with D-1).
A manual run may give `from`/`to` (YYYY-MM-DD) to rebuild those days; one with neither and no
logical date has no interval: the first task skips and says so, the second still runs.
""",
    # explicit: with a bare "@daily", Airflow 3 picks a timetable by [scheduler]
    # create_cron_data_intervals (default False: zero-length intervals at midnight), so the same
    # file would build a different day in different deployments
    schedule=CronDataIntervalTimetable("@daily", timezone="UTC"),
    start_date=settings.start_date,
    catchup=settings.marts_catchup,
    max_active_runs=1,
    default_args=settings.default_args(timeout=settings.marts_timeout),
    params={
        "from": Param(None, description="manual runs: first day to rebuild (YYYY-MM-DD, UTC)", **DAY_PARAM),
        "to": Param(None, description="manual runs: last day to rebuild, inclusive (default: from)", **DAY_PARAM),
    },
    tags=["turnover"],
):
    build_interval = BuildMartsForIntervalOperator(task_id="build_interval_days")
    build_touched = TurnoverCliOperator(
        task_id="build_touched_days",
        arguments=["build-marts"],
        trigger_rule=TriggerRule.NONE_FAILED,  # also after a skipped first task
    )
    build_interval >> build_touched
