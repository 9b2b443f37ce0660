"""trainlab._results: how the lessons' command lines store a timed measurement."""

import json

import pytest

from trainlab._results import write_timed_record


def test_write_timed_record_adds_the_duration_checks_and_writes_json(tmp_path):
    checked = []

    def check(record):
        checked.append(record)
        return record

    out = tmp_path / "new" / "r.json"
    path = write_timed_record(out, lambda: {"machine": {"cpu": "x"}, "ratio": 1.5}, check)
    assert path == out and len(checked) == 1
    stored = json.loads(out.read_text(encoding="utf-8"))
    assert stored["ratio"] == 1.5 and stored["machine"]["cpu"] == "x"
    assert isinstance(stored["machine"]["seconds"], float) and stored["machine"]["seconds"] >= 0


def test_a_record_the_check_refuses_is_not_written(tmp_path):
    def check(record):
        raise ValueError("bad record")

    out = tmp_path / "r.json"
    with pytest.raises(ValueError, match="bad record"):
        write_timed_record(out, lambda: {"machine": {}}, check)
    assert not out.exists()
