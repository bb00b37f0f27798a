"""Events for the launcher: one JSON object per line on stdout (Spark logs to stderr)."""
from __future__ import annotations

import json
import sys
import threading
import time

_lock = threading.Lock()


def emit(event: str, **fields: object) -> None:
    line = json.dumps({"event": event, "time": round(time.time(), 3), **fields}, separators=(",", ":"))
    with _lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
