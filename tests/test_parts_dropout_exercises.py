"""trainlab.parts.dropout.exercises: the checkers accept right answers (checked against torch's
dropout), reject the usual wrong ones with a hint, and never crash on the reader's answer."""

import torch

from conftest import bad_input_test
from trainlab.i18n import set_language
from trainlab.parts.dropout.exercises import check_inverted_dropout, check_scale_factor


def test_scale_factor_is_what_torch_multiplies_the_kept_values_by(capsys):
    set_language("en")
    for p in (0.3, 0.5, 0.9):
        torch.manual_seed(0)
        out = torch.nn.functional.dropout(torch.ones(1000, dtype=torch.float64), p=p)
        factor = out[out != 0][0].item()
        assert check_scale_factor(factor, p=p, verbose=False)
    assert check_scale_factor(1.4286, verbose=True)  # four significant digits of 1/0.7 pass
    assert "✓" in capsys.readouterr().out


def test_scale_factor_rejects_the_usual_slips():
    set_language("en")
    keep = check_scale_factor(1 / 0.3, verbose=False)
    assert not keep and "probability of dropping" in str(keep)
    test_time = check_scale_factor(0.7, verbose=False)
    assert not test_time and "E[r] = 1 − p" in str(test_time)
    assert not check_scale_factor("1.4", verbose=False)
    assert not check_scale_factor(None, verbose=False)


def test_inverted_dropout_checker_agrees_with_torch():
    set_language("en")

    def from_torch(h, r, p):  # torch's dropout values where r keeps, checked independently
        torch.manual_seed(0)
        return r * torch.nn.functional.dropout(torch.ones_like(h), p=p).max() * h

    assert check_inverted_dropout(from_torch, p=0.3, verbose=False)
    assert check_inverted_dropout(lambda h, r, p: r * h / (1 - p), p=0.5, verbose=False)


def test_inverted_dropout_checker_rejects_the_usual_slips():
    set_language("en")
    bare = check_inverted_dropout(lambda h, r, p: r * h, verbose=False)
    assert not bare and "scaled" in str(bare)
    keep = check_inverted_dropout(lambda h, r, p: r * h / p, verbose=False)
    assert not keep and "keep probability" in str(keep)
    flipped = check_inverted_dropout(lambda h, r, p: (1 - r) * h / (1 - p), verbose=False)
    assert not flipped and "r = 1 marks a kept unit" in str(flipped)
    crash = check_inverted_dropout(lambda h, r, p: h @ h, verbose=False)
    assert not crash and "raised" in str(crash)
    shape = check_inverted_dropout(lambda h, r, p: h.sum(), verbose=False)
    assert not shape and "shape" in str(shape)
    assert not check_inverted_dropout("r * h", verbose=False)


BAD = [
    (lambda: check_scale_factor(1.4, p=0.0), ValueError, "check_scale_factor: expected p"),
    (lambda: check_scale_factor(1.4, p="0.3"), TypeError, "check_scale_factor: expected p"),
    (lambda: check_scale_factor(1.4, verbose=1), TypeError, "check_scale_factor: expected verbose"),
    (lambda: check_inverted_dropout(None, p=1.0), ValueError, "check_inverted_dropout: expected p to be a probability"),
    (lambda: check_inverted_dropout(None, verbose="no"), TypeError, "check_inverted_dropout: expected verbose"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
