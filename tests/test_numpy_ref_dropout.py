"""trainlab.numpy_ref.dropout: inverted dropout in NumPy, its masks, backward and arguments."""

import inspect
import warnings

import numpy as np
import pytest
import torch

from conftest import bad_input_test
from trainlab import numpy_ref as ref


def rng(seed=0):
    return np.random.default_rng(seed)


def test_signature_is_torchs_with_a_keyword_only_numpy_generator():
    # before: dropout_forward(x, p, training, seed=None) took an int seed
    with pytest.raises(TypeError, match="unexpected keyword argument 'seed'"):
        ref.dropout_forward(np.ones(3), seed=0)
    for fwd in (ref.dropout_forward, ref.dropout2d_forward):
        params = inspect.signature(fwd).parameters
        assert list(params) == ["x", "p", "training", "generator"]
        assert params["generator"].kind is inspect.Parameter.KEYWORD_ONLY and params["generator"].default is None
        assert params["p"].default == 0.5 and params["training"].default is True


def test_dropout_is_unbiased_in_training_and_identity_in_evaluation():
    x = np.ones(100_000)
    y, cache = ref.dropout_forward(x, 0.4, generator=rng())
    assert abs((y == 0).mean() - 0.4) < 0.01
    assert abs(y.mean() - 1.0) < 0.02  # E[y] = x
    assert sorted(set(y.tolist())) == [0.0, pytest.approx(1 / 0.6)]
    np.testing.assert_array_equal(ref.dropout_backward(np.ones_like(y), cache), cache["mask"])
    y, cache = ref.dropout_forward(x, 0.4, training=False)
    assert y is x
    np.testing.assert_array_equal(ref.dropout_backward(np.full_like(x, 3.0), cache), np.full_like(x, 3.0))
    y, _ = ref.dropout_forward(x, 1.0, generator=rng())
    assert not y.any()


def test_the_same_generator_seed_gives_the_same_mask():
    x = np.random.default_rng(5).standard_normal((4, 6, 5, 5))
    a, _ = ref.dropout_forward(x, 0.5, generator=rng(3))
    b, _ = ref.dropout_forward(x, 0.5, generator=rng(3))
    np.testing.assert_array_equal(a, b)


def test_dropout2d_drops_whole_channels():
    x = np.random.default_rng(5).standard_normal((4, 6, 5, 5))
    y, cache = ref.dropout2d_forward(x, 0.5, generator=rng(3))
    assert cache["mask"].shape == (4, 6, 1, 1)
    zeroed = (y == 0).reshape(4, 6, -1).all(axis=2)
    kept = (y != 0).reshape(4, 6, -1).all(axis=2)
    assert (zeroed | kept).all() and zeroed.any() and kept.any()
    np.testing.assert_allclose(ref.dropout2d_backward(np.ones_like(y), cache), np.broadcast_to(cache["mask"], y.shape))
    y2, _ = ref.dropout2d_forward(x, 0.5, generator=rng(3))
    np.testing.assert_array_equal(y, y2)


def test_dropout2d_reads_3d_input_as_n_c_l_and_warns_as_torch():
    # before: a 3-D input was read as (C, H, W), one mask value per slice x[c]
    x = np.ones((2, 3, 4))
    with pytest.warns(UserWarning, match=r"interpreted as shape \(N, C, L\)"):
        y, cache = ref.dropout2d_forward(x, 0.5, generator=rng(1))
    assert cache["mask"].shape == (2, 3, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        torch_y = torch.nn.functional.dropout2d(torch.ones(2, 3, 4), 0.5)
    assert torch_y.shape == y.shape  # the same reading of the axes as torch


def test_backward_refuses_a_dy_that_would_broadcast():
    # before: dropout_backward(dy, cache) broadcast a (1, 4) dy against a (3, 4) mask
    _, cache = ref.dropout_forward(np.ones((3, 4)), 0.5, generator=rng())
    with pytest.raises(
        ValueError, match=r"dropout_backward: expected dy of the same shape as the forward output, \(3, 4\)"
    ):
        ref.dropout_backward(np.ones((1, 4)), cache)
    _, cache = ref.dropout2d_forward(np.ones((2, 3, 4, 4)), 0.5, generator=rng())
    with pytest.raises(ValueError, match=r"dropout2d_backward: expected dy of the same shape"):
        ref.dropout2d_backward(np.ones((2, 3, 1, 1)), cache)
    _, cache = ref.dropout_forward(np.ones((3, 4)), 0.5, training=False)  # mask (1, 1): eval too
    with pytest.raises(
        ValueError, match=r"expected dy of the same shape as the forward output, \(3, 4\) \(got \(5, 4\)\)"
    ):
        ref.dropout_backward(np.ones((5, 4)), cache)


X = np.ones((2, 3, 4, 4))
_, CACHE = ref.dropout_forward(X, 0.5, generator=rng())

BAD = [
    (
        lambda: ref.dropout_forward(np.ones(3), p=2),
        ValueError,
        "dropout_forward: expected p to be a probability between 0 and 1 (got 2.0)",
    ),
    (
        lambda: ref.dropout_forward(np.ones(3), p="0.5"),
        TypeError,
        "dropout_forward: expected p to be a number (got str '0.5')",
    ),
    (
        lambda: ref.dropout_forward(np.ones(3), generator=0),
        TypeError,
        "dropout_forward: expected generator to be a numpy.random.Generator or None, e.g. np.random.default_rng(0) (got int 0)",
    ),
    (
        lambda: ref.dropout_forward(np.ones(3), generator=torch.Generator()),
        TypeError,
        "dropout_forward: expected generator to be a numpy.random.Generator or None",
    ),
    (
        lambda: ref.dropout_forward(np.ones(3), training="no"),
        TypeError,
        "dropout_forward: expected training to be True or False (got str 'no')",
    ),
    (
        lambda: ref.dropout_forward([1.0, 2.0]),
        TypeError,
        "dropout_forward: expected x to be a numpy.ndarray (got list)",
    ),
    (
        lambda: ref.dropout2d_forward(np.ones((3, 4))),
        ValueError,
        "dropout2d_forward: expected 3D or 4D x (got 2D x of shape (3, 4))",
    ),
    (
        lambda: ref.dropout2d_forward(X, p=-0.1),
        ValueError,
        "dropout2d_forward: expected p to be a probability between 0 and 1 (got -0.1)",
    ),
    (
        lambda: ref.dropout2d_forward(X, generator=np.random.RandomState(0)),
        TypeError,
        "dropout2d_forward: expected generator to be a numpy.random.Generator or None",
    ),
    (
        lambda: ref.dropout_backward(np.ones((2, 3, 4, 1)), CACHE),
        ValueError,
        "dropout_backward: expected dy of the same shape as the forward output, (2, 3, 4, 4) (got (2, 3, 4, 1))",
    ),
    (
        lambda: ref.dropout_backward(np.ones((2, 3, 4, 4), dtype=np.int64), CACHE),
        TypeError,
        "dropout_backward: expected dy of a floating dtype (got int64)",
    ),
    (
        lambda: ref.dropout2d_backward(np.ones((2, 3, 4, 4)), {"dydx": 1.0}),
        ValueError,
        "dropout2d_backward: expected cache to be the cache that dropout2d_forward returned, with 'mask', 'shape' (got dict with keys ['dydx'])",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
