"""
Asks the installed Airflow what it makes of the DAG folder, for test/airflow/*.test.ts (which hold
the assertions). Python because Airflow's DAG objects are only reachable from Python.

Input (argv[1], JSON), output written to the file argv[2]:
  {"scenarios": {"<name>": {"<ENV>": "<value>", ...}}, "runs": [{"params": {...}, "logical_date": ...,
   "data_interval_start": ..., "data_interval_end": ...}], "turnover_env": ["<Variable value>", ...]}
Output (JSON): per scenario the import errors and every DAG with its tasks; per run the
command the marts DAG's interval task would run (or the error it raises); per turnover_env value
the variables it adds (or the error).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from datetime import datetime, timedelta
from typing import Any

from airflow.models.dagbag import DagBag


def seconds(value: Any) -> float | None:
    return value.total_seconds() if isinstance(value, timedelta) else value


def describe_task(task: Any) -> dict[str, Any]:
    return {
        "operator": type(task).__name__,
        "bases": [cls.__name__ for cls in type(task).__mro__],
        "retries": task.retries,
        "retry_delay": seconds(task.retry_delay),
        "retry_exponential_backoff": task.retry_exponential_backoff,
        "max_retry_delay": seconds(task.max_retry_delay),
        "execution_timeout": seconds(task.execution_timeout),
        "trigger_rule": str(task.trigger_rule.value if hasattr(task.trigger_rule, "value") else task.trigger_rule),
        "upstream": sorted(task.upstream_task_ids),
        "arguments": getattr(task, "arguments", None),
    }


def describe_dag(dag: Any) -> dict[str, Any]:
    timetable = dag.timetable
    return {
        "fileloc": dag.fileloc,
        "timetable": type(timetable).__name__,
        "schedule": getattr(timetable, "_expression", None) or timetable.summary,
        "timezone": str(getattr(timetable, "_timezone", "")),
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "start_date": dag.start_date.isoformat() if dag.start_date else None,
        "params": sorted(dag.params.keys()),
        "tags": sorted(dag.tags),
        "tasks": {task.task_id: describe_task(task) for task in dag.tasks},
    }


def parse_folder(folder: str, overrides: dict[str, str]) -> dict[str, Any]:
    saved = dict(os.environ)
    os.environ.update(overrides)
    try:
        bag = DagBag(dag_folder=folder, include_examples=False)
        return {
            "import_errors": {os.path.basename(path): error for path, error in bag.import_errors.items()},
            "dags": {dag_id: describe_dag(dag) for dag_id, dag in bag.dags.items()},
        }
    finally:
        os.environ.clear()
        os.environ.update(saved)


def load_module(folder: str) -> Any:
    spec = importlib.util.spec_from_file_location("turnover_dags_under_test", os.path.join(folder, "turnover_dags.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def interval_command(module: Any, run: dict[str, Any]) -> dict[str, Any]:
    context = {key: datetime.fromisoformat(run[key]) if run.get(key) else None for key in ("logical_date", "data_interval_start", "data_interval_end")}
    context["params"] = run.get("params", {})
    operator = module.BuildMartsForIntervalOperator(task_id="probe")
    try:
        arguments = operator.cli_arguments(context)
    except Exception as error:  # the test asserts the type and message
        return {"error": type(error).__name__, "message": str(error)}
    return {"skip": arguments} if isinstance(arguments, str) else {"arguments": arguments}


def turnover_env(module: Any, raw: str) -> dict[str, Any]:
    try:
        return {"env": module._env_variable(raw)}
    except Exception as error:
        return {"error": type(error).__name__, "message": str(error)}


def main() -> None:
    request = json.loads(sys.argv[1])
    folder = os.environ["AIRFLOW__CORE__DAGS_FOLDER"]
    module = load_module(folder)
    answer = {
        "scenarios": {name: parse_folder(folder, env) for name, env in request.get("scenarios", {}).items()},
        "runs": [interval_command(module, run) for run in request.get("runs", [])],
        "turnover_env": [turnover_env(module, raw) for raw in request.get("turnover_env", [])],
    }
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(answer, out)


if __name__ == "__main__":
    main()
