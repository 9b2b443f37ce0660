"""trainlab.functional.dropout against torch.nn.functional: the same masks for the same seed."""

import inspect
import warnings

import pytest
import torch
import torch.nn.functional as TF

import trainlab.functional as F
from conftest import bad_input_test


def test_signatures_are_torchs_plus_a_keyword_only_generator():
    for ours, theirs in ((F.dropout, TF.dropout), (F.dropout2d, TF.dropout2d)):
        params = inspect.signature(ours).parameters
        assert list(params)[:4] == list(inspect.signature(theirs).parameters)
        assert list(params) == ["input", "p", "training", "inplace", "generator"]
        assert params["generator"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 1.0])
def test_dropout_draws_the_same_mask_as_torch_for_the_same_seed(p):
    x = torch.randn(200, 30, dtype=torch.float64, requires_grad=True)
    torch.manual_seed(7)
    y1 = F.dropout(x, p)
    torch.manual_seed(7)
    y2 = TF.dropout(x, p)
    torch.testing.assert_close(y1, y2, rtol=0, atol=0)
    dy = torch.randn_like(x)
    torch.testing.assert_close(torch.autograd.grad(y1, x, dy)[0], torch.autograd.grad(y2, x, dy)[0])
    x4 = torch.randn(6, 5, 3, 3)
    torch.manual_seed(7)
    a = F.dropout2d(x4, p)
    torch.manual_seed(7)
    torch.testing.assert_close(a, TF.dropout2d(x4, p), rtol=0, atol=0)


@pytest.mark.parametrize("p", [0.3, 0.5])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dropout2d_on_3d_input_is_torchs_n_c_l_with_its_warning_and_masks(p, dtype):
    # before: a 3-D input was read as (C, H, W): whole slices x[c] dropped, no warning
    x = torch.randn(8, 6, 5, dtype=dtype, requires_grad=True)
    torch.manual_seed(11)
    with pytest.warns(UserWarning) as ours:
        y1 = F.dropout2d(x, p)
    torch.manual_seed(11)
    with pytest.warns(UserWarning) as theirs:
        y2 = TF.dropout2d(x, p)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    assert "interpreted as shape (N, C, L)" in str(ours[0].message)
    torch.testing.assert_close(y1, y2, rtol=0, atol=0)  # the same masks
    kept = y1 != 0
    assert torch.equal(kept.all(dim=2) | (~kept).all(dim=2), torch.ones(8, 6, dtype=torch.bool))  # one value per (n, c)
    dy = torch.randn_like(x)
    torch.testing.assert_close(torch.autograd.grad(y1, x, dy)[0], torch.autograd.grad(y2, x, dy)[0])


def test_dropout2d_warns_on_3d_input_in_evaluation_too_as_torch():
    x = torch.randn(2, 3, 4)
    with pytest.warns(UserWarning, match=r"\(N, C, L\)"):
        assert F.dropout2d(x, 0.5, training=False) is x
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.dropout2d(torch.randn(2, 3, 4, 4), 0.5)  # 4-D: no warning


def test_dropout_is_identity_in_evaluation_and_unbiased_in_training():
    x = torch.ones(100_000)
    assert F.dropout(x, 0.4, training=False) is x
    y = F.dropout(x, 0.4, generator=torch.Generator().manual_seed(0))
    assert abs(float((y == 0).float().mean()) - 0.4) < 0.01
    assert abs(float(y.mean()) - 1.0) < 0.02  # E[y] = x
    values = torch.unique(y).tolist()
    assert len(values) == 2 and values[0] == 0.0 and values[1] == pytest.approx(1 / 0.6)


def test_dropout_mask_reproducible_from_a_generator_and_channelwise_for_2d():
    x = torch.randn(4, 6, 5, 5)
    a = F.dropout2d(x, 0.5, generator=torch.Generator().manual_seed(1))
    b = F.dropout2d(x, 0.5, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a, b)
    zeroed = (a == 0).flatten(2).all(dim=2)  # whole channels are zero or none of it is
    kept = (a != 0).flatten(2).all(dim=2)
    assert torch.equal(zeroed | kept, torch.ones_like(zeroed)) and zeroed.any() and kept.any()


def test_gradcheck_dropout_with_a_fixed_mask():
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: F.dropout(t, 0.5, generator=torch.Generator().manual_seed(0)), (x,))


X = torch.randn(3)

BAD = [
    (lambda: F.dropout(X, p=1.5), ValueError, "dropout: expected p to be a probability between 0 and 1 (got 1.5)"),
    (lambda: F.dropout(X, p=-0.1), ValueError, "dropout: expected p to be a probability between 0 and 1 (got -0.1)"),
    # before: the message called the tensor 0.5 out of range
    (
        lambda: F.dropout(X, p=torch.tensor(0.5)),
        TypeError,
        "dropout: expected p to be a number (got Tensor tensor(0.5000)); pass a Python number, e.g. p.item()",
    ),
    (lambda: F.dropout(X, p="0.5"), TypeError, "dropout: expected p to be a number (got str '0.5')"),
    (lambda: F.dropout(X, training="yes"), TypeError, "dropout: expected training to be True or False (got str 'yes')"),
    (lambda: F.dropout(X, inplace=1), TypeError, "dropout: expected inplace to be True or False (got int 1)"),
    (
        lambda: F.dropout(X, generator=0),
        TypeError,
        "dropout: expected generator to be a torch.Generator or None (got int 0)",
    ),
    (lambda: F.dropout([1.0, 2.0]), TypeError, "dropout: expected input to be a torch.Tensor (got list)"),
    (
        lambda: F.dropout(torch.ones(3, dtype=torch.int64)),
        TypeError,
        "dropout: expected input of a floating dtype (got torch.int64)",
    ),
    (
        lambda: F.dropout2d(torch.randn(3, 4), p=0.5),
        ValueError,
        "dropout2d: expected 3D or 4D input (got 2D input of shape (3, 4))",
    ),
    (
        lambda: F.dropout2d(torch.randn(2, 3, 4, 4), p=2),
        ValueError,
        "dropout2d: expected p to be a probability between 0 and 1 (got 2.0)",
    ),
    (
        lambda: F.dropout2d(torch.randn(2, 3, 4, 4), generator="seed"),
        TypeError,
        "dropout2d: expected generator to be a torch.Generator or None (got str 'seed')",
    ),
    (
        lambda: F.dropout2d(torch.randn(2, 3, 4, 4), training=None),
        TypeError,
        "dropout2d: expected training to be True or False (got None)",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
