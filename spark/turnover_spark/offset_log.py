"""Where a micro-batch ends, from Spark's own offset log.

Before running batch N, Spark writes `<checkpoint>/offsets/N`: a version line
("v1"), a metadata line, then one line per source with its end offsets; for
the Kafka source `{"<topic>": {"<partition>": <offset>, ...}}`. Spark must read
these files back across versions, so the format is stable. The checkpoint is
on the driver's local disk (docs/spark.md: it is disposable).
"""
from __future__ import annotations

import json
import os


def batch_end_offsets(checkpoint_dir: str, batch_id: int, topic: str) -> dict[int, int]:
    path = os.path.join(checkpoint_dir, "offsets", str(batch_id))
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or not lines[0].startswith("v"):
        raise ValueError(f"unexpected offset log format in {path}")
    source = json.loads(lines[2])
    return {int(p): int(o) for p, o in source.get(topic, {}).items()}
