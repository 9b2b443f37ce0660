"""Stored measurements: what the lessons' ``python -m ... --out FILE`` command lines share."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def write_timed_record(out, measure, check) -> Path:
    """Run ``measure()`` (a JSON-able dict with a ``"machine"`` dict), add how long it took as
    ``record["machine"]["seconds"]``, validate it with ``check(record)`` (which returns it) and
    write it to ``out`` as indented UTF-8 JSON, creating the folder; report the file on stderr."""
    start = time.perf_counter()
    record = measure()
    record["machine"]["seconds"] = round(time.perf_counter() - start, 1)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(check(record), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path} ({record['machine']['seconds']} s)", file=sys.stderr)
    return path
