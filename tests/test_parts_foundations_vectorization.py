"""trainlab.parts.foundations.vectorization: the loops against NumPy/torch, the stored
measurement and what the lesson prints from it, the peak formula and the exercise checkers."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

import trainlab
from conftest import bad_input_test
from trainlab.i18n import _
from trainlab.parts.foundations.vectorization import (
    PARTS,
    cache_sizes,
    check_batch_softmax,
    check_pairwise_sq_dists,
    check_record,
    dots_agree,
    empty_loop,
    live_speedups,
    loop_dot,
    loop_layer,
    plot_cache,
    plot_speed,
    report,
    rough_peak,
    stored,
    time_per_element,
)

ROOT = Path(__file__).resolve().parents[1]
LESSON = "vectorization.ipynb"
SWITCH = "MEASURE_HERE = False: set it to True at the top of this cell to measure on your machine (about one minute)."


def test_loop_dot_and_loop_layer_equal_numpy_and_torch():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(101), rng.standard_normal(101)
    assert loop_dot(a.tolist(), b.tolist()) == pytest.approx(float(torch.dot(torch.tensor(a), torch.tensor(b))))
    X, W, bias = rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    want = torch.nn.functional.linear(torch.tensor(X), torch.tensor(W).T, torch.tensor(bias)).numpy()
    assert np.allclose(loop_layer(X.tolist(), W.tolist(), bias.tolist()), want)
    assert empty_loop([1.0], [2.0]) is None


def test_dots_agree_and_would_notice_a_wrong_value():
    out = dots_agree(1000, seed=1)
    assert out["agree"] is True and out["loop"] == pytest.approx(out["torch"])
    assert out["numpy"] != pytest.approx(out["numpy"] * 1.001)


def test_time_per_element_and_live_speedups_are_positive():
    assert time_per_element(lambda: sum(range(100)), 100, 2) > 0
    speed = live_speedups(2000, repeats=1)
    assert set(speed) == {"numpy", "torch"} and all(v > 0 for v in speed.values())


def test_cache_sizes_are_read_from_sysfs(tmp_path):
    for i, (level, kind, size) in enumerate([(1, "Data", "48K"), (1, "Instruction", "32K"), (2, "Unified", "2048K")]):
        d = tmp_path / f"index{i}"
        d.mkdir()
        (d / "level").write_text(f"{level}\n")
        (d / "type").write_text(f"{kind}\n")
        (d / "size").write_text(f"{size}\n")
    assert cache_sizes(tmp_path) == {"L1d": 48 * 1024, "L2": 2048 * 1024}
    assert cache_sizes(tmp_path / "absent") == {}


def test_rough_peak_follows_the_widest_vector_in_the_flags():
    assert rough_peak(["sse2"], 1, 1.0)["gflops"] == 4 * 2 * 2
    assert rough_peak(["avx2", "fma"], 2, 2.0)["gflops"] == 2 * 2.0 * 8 * 2 * 2
    assert rough_peak(["avx2", "fma", "avx512f"], 1, 1.0)["flops_per_cycle"] == 16 * 2 * 2


def test_the_stored_file_is_complete_and_recorded_its_settings():
    record = stored()
    path = ROOT / "src" / "trainlab" / "parts" / "foundations" / "results" / "vectorization-timings.json"
    assert stored(path) == record == check_record(json.loads(path.read_text(encoding="utf-8")))
    assert record["dot"]["n"] == 10**7 and set(record["dot"]["seconds_per_element"]) >= {"python loop", "numpy"}
    workers = record["machine"]["workers"]
    assert workers["portable"]["ATEN_CPU_CAPABILITY"] == "default" and workers["threads2"]["OMP_NUM_THREADS"] == "2"
    assert record["simd"]["portable"]["capability"] == "DEFAULT"
    assert record["cache"]["sizes"] and len(record["cache"]["points"]) >= 8
    for part in PARTS:
        assert report(record, part)


def _printed(cell) -> str:
    return "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout")


@pytest.mark.parametrize("lang", ["vi", "cs"])
def test_the_lesson_prints_exactly_what_the_stored_file_gives(lang):
    cells = json.loads((ROOT / "notebooks" / lang / LESSON).read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    trainlab.set_language(lang)
    record = stored()
    seen = set()
    for cell in code:
        source = "".join(cell["source"])
        parts = re.findall(r'print\(report\(record, "(\w+)"\)\)', source)
        if not parts:
            continue
        want = "".join(report(record, p) + "\n" for p in parts)
        if re.search(r"^MEASURE_HERE = False\b", source, re.M):
            want += "\n" + _(SWITCH) + "\n"
        assert _printed(cell) == want, parts
        seen |= set(parts)
    assert seen == set(PARTS)
    live = re.compile(r"(?<![\w.])measure\(")  # the one-minute measurement only behind MEASURE_HERE
    switch = re.compile(r"^MEASURE_HERE = False\b", re.M)
    assert [c for c in code if live.search("".join(c["source"]))] == [
        c for c in code if switch.search("".join(c["source"]))
    ]


def test_figures_draw_from_the_stored_record():
    record = stored()
    fig = plot_speed(record)
    assert len(fig.axes[0].patches) == 6 and fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    fig = plot_cache(record)
    assert len(fig.axes[0].lines) == 1 + len(record["cache"]["sizes"])


def test_pairwise_checker_accepts_the_vectorized_answer_and_rejects_slips(capsys):
    right = lambda A, B: ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)  # noqa: E731
    assert check_pairwise_sq_dists(right, verbose=False)
    assert not check_pairwise_sq_dists(lambda A, B: ((A - B) ** 2).sum(-1), verbose=False)  # no broadcasting
    assert not check_pairwise_sq_dists(lambda A, B: np.sqrt(right(A, B)), verbose=False)  # distances, not squared
    assert not check_pairwise_sq_dists(3)
    assert "must be a function" in capsys.readouterr().out


def test_softmax_checker_wants_the_row_maximum_subtracted():
    def naive(Z):
        e = np.exp(Z)
        return e / e.sum(axis=1, keepdims=True)

    def stable(Z):
        e = np.exp(Z - Z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    assert check_batch_softmax(stable, verbose=False)
    assert not check_batch_softmax(naive, verbose=False)  # overflows on the row near 1000
    assert not check_batch_softmax(lambda Z: np.exp(Z) / np.exp(Z).sum(), verbose=False)  # whole batch


BAD = [
    (lambda: loop_dot(np.ones(3), [1.0]), TypeError, "loop_dot: expected a to be a list"),
    (lambda: loop_dot([1.0], [1.0, 2.0]), ValueError, "loop_dot: expected a and b of the same length"),
    (lambda: empty_loop([1.0], "ab"), TypeError, "empty_loop: expected b to be a list"),
    (lambda: loop_layer([[1.0]], [[1.0, 2.0]], [1.0]), ValueError, "loop_layer: expected X (m, d_in)"),
    (lambda: loop_layer(np.ones((1, 1)), [[1.0]], [1.0]), TypeError, "loop_layer: expected X to be a list"),
    (lambda: dots_agree(0), ValueError, "dots_agree: expected n >= 1"),
    (lambda: time_per_element(3, 10), TypeError, "time_per_element: expected fn to be a function"),
    (lambda: live_speedups(10, repeats=0), ValueError, "live_speedups: expected repeats >= 1"),
    (lambda: cache_sizes(3), TypeError, "cache_sizes: expected root to be a directory path"),
    (lambda: rough_peak(["avx2"], 0, 1.0), ValueError, "rough_peak: expected cores >= 1"),
    (lambda: rough_peak(["avx2"], 1, 0.0), ValueError, "rough_peak: expected ghz to be a number > 0"),
    (lambda: check_record([]), TypeError, "check_record: expected record to be a dict"),
    (lambda: check_record({"dot": {}}), ValueError, "check_record: expected record['layer']"),
    (lambda: stored(3), TypeError, "stored: expected path to be None or a file path"),
    (lambda: report(stored(), "speeds"), ValueError, "report: expected part to be one of"),
    (lambda: report([], "speed"), TypeError, "report: expected record to be a measurement record"),
    (lambda: plot_speed([]), TypeError, "plot_speed: expected record to be a measurement record"),
    (lambda: plot_cache(None), TypeError, "plot_cache: expected record to be a measurement record"),
    (
        lambda: check_pairwise_sq_dists(lambda A, B: A, verbose=1),
        TypeError,
        "check_pairwise_sq_dists: expected verbose",
    ),
    (lambda: check_batch_softmax(lambda Z: Z, verbose="no"), TypeError, "check_batch_softmax: expected verbose"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
