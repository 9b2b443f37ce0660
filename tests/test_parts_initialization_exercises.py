"""trainlab.parts.initialization.exercises: the checkers accept right answers (checked against
torch's initializers and a simulation), reject the usual wrong ones with a hint, and never crash
on the reader's answer."""

import math

import torch

from conftest import bad_input_test
from trainlab.i18n import set_language
from trainlab.parts.initialization.exercises import check_shrink_factor, check_xavier_uniform, xavier_uniform_answer


def test_xavier_answer_matches_what_torch_draws():
    for fan_in, fan_out in ((300, 100), (64, 128), (1000, 10)):
        std, bound = xavier_uniform_answer(fan_in, fan_out)
        w = torch.nn.init.xavier_uniform_(
            torch.empty(fan_out, fan_in, dtype=torch.float64), generator=torch.Generator().manual_seed(0)
        )
        assert float(w.abs().max()) <= bound and float(w.abs().max()) > 0.99 * bound
        assert abs(float(w.std()) / std - 1) < 0.05
        # the uniform variance a²/3 is the Glorot variance 2/(n_in + n_out)
        assert math.isclose(bound**2 / 3, 2 / (fan_in + fan_out), rel_tol=1e-12)


def test_xavier_checker_accepts_the_answer_and_rejects_the_usual_slips(capsys):
    set_language("en")
    std, bound = xavier_uniform_answer(300, 100)
    assert check_xavier_uniform(std, bound)
    assert "✓" in capsys.readouterr().out
    assert check_xavier_uniform(round(std, 4), round(bound, 4), verbose=False)
    lecun = check_xavier_uniform(math.sqrt(1 / 300), bound, verbose=False)
    assert not lecun and "2/(n_in + n_out)" in str(lecun)
    variance = check_xavier_uniform(std**2, bound, verbose=False)
    assert not variance and "square root" in str(variance)
    same = check_xavier_uniform(std, std, verbose=False)
    assert not same and "a²/3" in str(same)
    words = check_xavier_uniform("0.07", bound, verbose=False)
    assert not words and "must be a number" in str(words)


def test_shrink_factor_checker_agrees_with_a_simulated_linear_layer():
    set_language("en")
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4096, 128, generator=g, dtype=torch.float64)
    w = torch.randn(128, 128, generator=g, dtype=torch.float64) * 0.01
    measured = float((x @ w.T).std() / x.std())
    assert abs(measured / (math.sqrt(128) * 0.01) - 1) < 0.03
    assert check_shrink_factor(math.sqrt(128) * 0.01, verbose=False)
    squared = check_shrink_factor(128 * 0.01**2, verbose=False)
    assert not squared and "square root" in str(squared)
    bare = check_shrink_factor(0.01, verbose=False)
    assert not bare and "n_in · Var(w)" in str(bare)
    assert not check_shrink_factor(None, verbose=False)
    assert check_shrink_factor(math.sqrt(64) * 0.1, fan_in=64, std=0.1, verbose=False)


BAD = [
    (lambda: xavier_uniform_answer(0, 10), ValueError, "xavier_uniform_answer: expected fan_in >= 1 (got 0)"),
    (lambda: xavier_uniform_answer(10, 2.5), TypeError, "xavier_uniform_answer: expected fan_out to be an int"),
    (
        lambda: check_xavier_uniform(0.1, 0.1, fan_in=0),
        ValueError,
        "check_xavier_uniform: expected fan_in >= 1 (got 0)",
    ),
    (lambda: check_xavier_uniform(0.1, 0.1, verbose=1), TypeError, "check_xavier_uniform: expected verbose"),
    (
        lambda: check_shrink_factor(0.1, std=0),
        ValueError,
        "check_shrink_factor: expected std to be a finite number > 0 (got 0.0)",
    ),
    (lambda: check_shrink_factor(0.1, fan_in="128"), TypeError, "check_shrink_factor: expected fan_in to be an int"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
