"""trainlab.numpy_ref.activation: NumPy forwards and hand-derived backwards against torch (float64)."""

import numpy as np
import pytest
import torch

from conftest import ACTIVATION_IDS, activation_forms, activation_sample, bad_input_test
from trainlab import numpy_ref as ref

ACTIVATIONS = activation_forms("numpy_forward")  # every registered activation (conftest.ACTIVATION_CASES)
IDS = ACTIVATION_IDS
sample = activation_sample


@pytest.mark.parametrize("numpy_fwd, theirs, kwargs", ACTIVATIONS, ids=IDS)
def test_numpy_activation_and_its_backward_match_torch(numpy_fwd, theirs, kwargs):
    x = sample()
    dy = torch.randn_like(x)
    y = theirs(x)
    (g,) = torch.autograd.grad(y, x, dy)
    y_np, cache = numpy_fwd(x.detach().numpy(), **kwargs)
    np.testing.assert_allclose(y_np, y.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ref.activation_backward(dy.numpy(), cache), g.numpy(), rtol=1e-11, atol=1e-12)


def test_swish_beta_and_its_derivative_by_finite_differences():
    x = np.linspace(-4, 4, 17)
    y, cache = ref.silu_forward(x, beta=1.7)
    np.testing.assert_allclose(y, x / (1 + np.exp(-1.7 * x)), rtol=1e-12)
    h = 1e-6
    numeric = (ref.silu_forward(x + h, beta=1.7)[0] - ref.silu_forward(x - h, beta=1.7)[0]) / (2 * h)
    np.testing.assert_allclose(ref.activation_backward(np.ones_like(x), cache), numeric, rtol=1e-7, atol=1e-9)


def test_float32_stays_float32():
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    for fwd, kwargs in [
        (ref.leaky_relu_forward, {"negative_slope": 0.1}),
        (ref.elu_forward, {}),
        (ref.silu_forward, {}),
    ]:
        y, cache = fwd(x, **kwargs)
        assert y.dtype == np.float32 and cache["dydx"].dtype == np.float32


def test_prelu_slope_gradient_matches_torch_and_finite_differences():
    x = sample()
    for weight in (0.3, np.array([0.3]), np.linspace(0.1, 0.5, 9)):
        w = torch.tensor(np.atleast_1d(weight), dtype=torch.float64, requires_grad=True)
        dy = torch.randn_like(x)
        gx, gw = torch.autograd.grad(torch.nn.functional.prelu(x, w), (x, w), dy)
        _, cache = ref.prelu_forward(x.detach().numpy(), weight)
        dx, dw = ref.prelu_backward(dy.numpy(), cache)
        np.testing.assert_allclose(dx, gx.numpy(), rtol=1e-12)
        np.testing.assert_allclose(np.atleast_1d(dw), gw.numpy(), rtol=1e-12)
        assert np.shape(dw) == np.shape(weight)
    # the slope's gradient by centred finite differences, one channel-wise slope at a time
    xs = x.detach().numpy()
    dy = np.random.default_rng(0).normal(size=xs.shape)
    a = np.linspace(0.1, 0.5, 9)
    _, cache = ref.prelu_forward(xs, a)
    _, da = ref.prelu_backward(dy, cache)
    h, e = 1e-6, np.eye(9)
    numeric = [
        ((ref.prelu_forward(xs, a + h * e[c])[0] - ref.prelu_forward(xs, a - h * e[c])[0]) * dy).sum() / (2 * h)
        for c in range(9)
    ]
    np.testing.assert_allclose(da, numeric, rtol=1e-6, atol=1e-9)


def test_maxout_takes_the_max_of_consecutive_pieces_and_routes_the_gradient_to_it():
    x = torch.randn(3, 8, 2, dtype=torch.float64, requires_grad=True)
    y = x.view(3, 2, 4, 2).amax(dim=2)
    y_np, cache = ref.maxout_forward(x.detach().numpy(), 4)
    np.testing.assert_allclose(y_np, y.detach().numpy())
    dy = torch.randn_like(y)
    (g,) = torch.autograd.grad(y, x, dy)
    np.testing.assert_allclose(ref.maxout_backward(dy.numpy(), cache), g.numpy())


def test_softplus_refuses_beta_zero_instead_of_returning_inf():
    # before: softplus_forward(x, beta=0) divided by zero and returned inf
    with pytest.raises(ValueError, match="expected beta to be a finite number > 0"):
        ref.softplus_forward(np.ones(3), beta=0)


def test_backwards_refuse_a_dy_that_would_broadcast():
    # before: dy of shape (1, 9) or (9,) broadcast against the cache of a (7, 9) input
    _, cache = ref.relu_forward(np.ones((7, 9)))
    for dy in (np.ones((1, 9)), np.ones(9), np.ones((7, 1))):
        with pytest.raises(
            ValueError, match=r"activation_backward: expected dy of the same shape as the forward output"
        ):
            ref.activation_backward(dy, cache)
    _, cache = ref.maxout_forward(np.ones((2, 6)), 3)
    with pytest.raises(
        ValueError, match=r"maxout_backward: expected dy of the same shape as the forward output, \(2, 2\)"
    ):
        ref.maxout_backward(np.ones((2, 1)), cache)


X = np.ones((2, 4))
_, RELU_CACHE = ref.relu_forward(X)
_, MAXOUT_CACHE = ref.maxout_forward(X, 2)

BAD = [
    (
        lambda: ref.sigmoid_forward([1.0, 2.0]),
        TypeError,
        "sigmoid_forward: expected x to be a numpy.ndarray (got list)",
    ),
    (lambda: ref.tanh_forward(torch.ones(2)), TypeError, "tanh_forward: expected x to be a numpy.ndarray (got Tensor)"),
    (lambda: ref.relu_forward(np.arange(3)), TypeError, "relu_forward: expected x of a floating dtype (got int64)"),
    (
        lambda: ref.leaky_relu_forward(X, "a"),
        TypeError,
        "leaky_relu_forward: expected negative_slope to be a number (got str 'a')",
    ),
    (lambda: ref.elu_forward(X, alpha=None), TypeError, "elu_forward: expected alpha to be a number (got None)"),
    (lambda: ref.selu_forward([0.0]), TypeError, "selu_forward: expected x to be a numpy.ndarray (got list)"),
    (lambda: ref.prelu_forward(X, "a"), TypeError, "prelu_forward: expected weight to be a number (got str 'a')"),
    (
        lambda: ref.prelu_forward(X, np.ones(3)),
        ValueError,
        "prelu_forward: expected weight of shape (1,) or (4,), one slope per channel (got shape (3,))",
    ),
    (
        lambda: ref.prelu_backward(np.ones((2, 4)), RELU_CACHE),
        ValueError,
        "prelu_backward: expected cache to be the cache that prelu_forward returned, with 'dydx', 'dyda', 'weight_shape'",
    ),
    (
        lambda: ref.relu6_forward(np.ones(3, dtype=np.int32)),
        TypeError,
        "relu6_forward: expected x of a floating dtype (got int32)",
    ),
    (lambda: ref.silu_forward(X, beta="1"), TypeError, "silu_forward: expected beta to be a number (got str '1')"),
    (lambda: ref.mish_forward(3.0), TypeError, "mish_forward: expected x to be a numpy.ndarray (got float)"),
    (
        lambda: ref.gelu_forward(X, approximate="fast"),
        ValueError,
        "gelu_forward: expected approximate to be one of 'none', 'tanh' (got 'fast')",
    ),
    (
        lambda: ref.softplus_forward(X, beta=0),
        ValueError,
        "softplus_forward: expected beta to be a finite number > 0 (got 0.0)",
    ),
    (
        lambda: ref.softplus_forward(X, beta=-1.0),
        ValueError,
        "softplus_forward: expected beta to be a finite number > 0 (got -1.0)",
    ),
    (
        lambda: ref.softplus_forward(X, threshold="20"),
        TypeError,
        "softplus_forward: expected threshold to be a number (got str '20')",
    ),
    (lambda: ref.maxout_forward(X, 3), ValueError, "maxout_forward: expected x of shape (N, C * 3, *) (got (2, 4))"),
    (lambda: ref.maxout_forward(X, 2.0), TypeError, "maxout_forward: expected pieces to be an int (got float 2.0)"),
    (lambda: ref.maxout_forward(X, 0), ValueError, "maxout_forward: expected pieces >= 1 (got 0)"),
    (
        lambda: ref.activation_backward(np.ones((1, 4)), RELU_CACHE),
        ValueError,
        "activation_backward: expected dy of the same shape as the forward output, (2, 4) (got (1, 4))",
    ),
    (
        lambda: ref.activation_backward([[1.0] * 4] * 2, RELU_CACHE),
        TypeError,
        "activation_backward: expected dy to be a numpy.ndarray (got list)",
    ),
    (
        lambda: ref.activation_backward(X, MAXOUT_CACHE),
        ValueError,
        "activation_backward: expected cache to be the cache that an activation's forward pass returned, with 'dydx' "
        "(got dict with keys ['shape', 'winner'])",
    ),
    (
        lambda: ref.maxout_backward(np.ones((2, 4)), MAXOUT_CACHE),
        ValueError,
        "maxout_backward: expected dy of the same shape as the forward output, (2, 2) (got (2, 4))",
    ),
    (
        lambda: ref.maxout_backward(np.ones((2, 2)), None),
        ValueError,
        "maxout_backward: expected cache to be the cache that maxout_forward returned, with 'winner', 'shape' (got None)",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
