"""Tests of trainlab.parts.dropout.srivastava: the max-norm projection, the training run, the sweeps and the checker."""

import torch

from conftest import bad_input_test
from trainlab.data import Split
from trainlab.parts.dropout import srivastava as S

TINY = {"steps": 20, "batch_size": 10, "n_train": 40}


def tiny_data():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(60, 196, generator=g)
    y = torch.randint(0, 10, (60,), generator=g)
    return Split(x[:40], y[:40], x[40:], y[40:], (1, 14, 14))


def test_max_norm_clips_long_rows_and_keeps_short_ones():
    g = torch.Generator().manual_seed(1)
    w = torch.randn(50, 7, generator=g) * torch.linspace(0.01, 3, 50)[:, None]
    before = w.norm(dim=1)
    after = S.max_norm_(w.clone(), 1.5).norm(dim=1)
    torch.testing.assert_close(after, torch.minimum(before, torch.tensor(1.5)))
    # direction is kept: cosine similarity 1 row by row
    out = S.max_norm_(w.clone(), 1.5)
    torch.testing.assert_close(torch.nn.functional.cosine_similarity(out, w, dim=1), torch.ones(50))


def test_load_data_is_mnist_averaged_over_2x2_blocks():
    from trainlab.data import load_mnist

    d, full = S.load_data(), load_mnist()
    assert tuple(d.x_train.shape) == (8000, 196) and tuple(d.x_test.shape) == (2000, 196)
    img = full.x_train[3].reshape(28, 28)
    want = img.reshape(14, 2, 14, 2).mean(dim=(1, 3)).reshape(-1)
    torch.testing.assert_close(d.x_train[3], want)
    assert torch.equal(d.y_train, full.y_train)


def test_fit_is_reproducible_and_max_norm_holds_after_training():
    data = tiny_data()
    a = S.fit(data, 8, 0.5, config={**TINY, "seed": 3})
    S._CACHE.clear()
    b = S.fit(data, 8, 0.5, config={**TINY, "seed": 3})
    assert a == b
    assert 0 <= a["train"] <= 1 and 0 <= a["test"] <= 1
    assert a["steps"] == [] and S.fit(data, 8, 0.0, config=TINY, curve_every=10)["steps"] == [10, 20]


def test_max_norm_run_keeps_every_hidden_row_inside_the_ball(monkeypatch):
    seen = []
    original = S.max_norm_

    def spy(weight, c):
        out = original(weight, c)
        seen.append(float(out.detach().norm(dim=1).max()))
        return out

    monkeypatch.setattr(S, "max_norm_", spy)
    S.fit(tiny_data(), 8, 0.5, max_norm=0.5, config={**TINY, "lr": 0.5, "seed": 7})
    assert seen and max(seen) <= 0.5 + 1e-5


def test_sweeps_have_the_promised_keys_and_widths():
    data = tiny_data()
    ps = S.p_sweep(data, keeps=(0.5, 1.0), n=16, pn=8, config=TINY)
    assert [r["width"] for r in ps["fixed n"].values()] == [16, 16]
    assert [r["width"] for r in ps["fixed pn"].values()] == [16, 8]
    sizes = S.size_sweep(data, widths=(4, 8), p=0.5, config=TINY)
    assert set(sizes) == {(4, 0.0), (4, 0.5), (8, 0.0), (8, 0.5)}
    sets = S.data_size_sweep(data, sizes=(10, 40), hidden=4, config=TINY)
    assert set(sets) == {(10, 0.0), (10, 0.5), (40, 0.0), (40, 0.5)}
    table = S.format_rows(sets, "n, p")
    assert len(table.splitlines()) == 5
    fig = S.plot_overview(sizes, ps, sets)
    assert len(fig.axes) == 3


def test_checker_accepts_the_projection_and_rejects_the_rescaling():
    assert S.check_max_norm(lambda w, c: S.max_norm_(w, c), verbose=False)
    assert not S.check_max_norm(lambda w, c: w * c / w.norm(dim=1, keepdim=True), verbose=False)
    assert not S.check_max_norm(lambda w, c: w[:2], verbose=False)


BAD = [
    (lambda: S.max_norm_(torch.ones(3), 1.0), ValueError, "max_norm_: expected 2D weight"),
    (lambda: S.max_norm_(torch.ones(2, 2), 0.0), ValueError, "max_norm_: expected c > 0"),
    (lambda: S.load_data(-1), ValueError, "load_data: expected seed"),
    (lambda: S.fit("data"), TypeError, "fit: expected data to be a trainlab.data.Split"),
    (lambda: S.fit(tiny_data(), 8, 1.0), ValueError, "fit: expected p to be a probability"),
    (lambda: S.size_sweep(tiny_data(), widths=8), TypeError, "size_sweep: expected widths"),
    (lambda: S.p_sweep(tiny_data(), keeps=(0.0,)), ValueError, "p_sweep: expected keep probabilities"),
    (lambda: S.data_size_sweep(tiny_data(), sizes=5), TypeError, "data_size_sweep: expected sizes"),
    (lambda: S.max_norm_compare(tiny_data(), c="3"), TypeError, "max_norm_compare: expected c"),
    (lambda: S.format_rows([], "x"), TypeError, "format_rows: expected rows"),
    (lambda: S.plot_overview([], {}, {}), TypeError, "plot_overview: expected sizes"),
    (lambda: S.check_max_norm(3), TypeError, "check_max_norm: expected func"),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
