"""
Runs one DAG the way Airflow 3 runs a manual trigger that gives no logical date (the CLI's
`airflow dags test` always sets one), in the test's AIRFLOW_HOME, and writes the outcome as JSON to
the file argv[2]: {"state", "logical_date", "tasks": {task_id: state}}.
"""

from __future__ import annotations

import json
import sys

from airflow.models.dagbag import DagBag
from airflow.utils import timezone


def main() -> None:
    dag_id, out = sys.argv[1], sys.argv[2]
    bag = DagBag(include_examples=False)
    if dag_id not in bag.dags:
        raise SystemExit(f"no DAG {dag_id}; import errors: {bag.import_errors}")
    run = bag.dags[dag_id].test(logical_date=None, run_after=timezone.utcnow())
    outcome = {
        "state": str(run.state),
        "logical_date": None if run.logical_date is None else run.logical_date.isoformat(),
        "tasks": {ti.task_id: str(ti.state) for ti in run.get_task_instances()},
    }
    with open(out, "w", encoding="utf-8") as file:
        json.dump(outcome, file)


if __name__ == "__main__":
    main()
