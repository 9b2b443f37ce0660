"""trainlab.functional.activation against torch.nn.functional (float64), gradcheck, argument checks."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import trainlab.functional as F
from conftest import ACTIVATION_IDS, activation_forms, activation_sample, bad_input_test

ACTIVATIONS = activation_forms("functional")  # every registered activation (conftest.ACTIVATION_CASES)
IDS = ACTIVATION_IDS
sample = activation_sample


@pytest.mark.parametrize("ours, theirs, kwargs", ACTIVATIONS, ids=IDS)
def test_activation_and_its_derivative_match_torch(ours, theirs, kwargs):
    x = sample()
    dy = torch.randn_like(x)
    y1 = ours(x, **kwargs)
    (g1,) = torch.autograd.grad(y1, x, dy)
    y2 = theirs(x)
    (g2,) = torch.autograd.grad(y2, x, dy)
    torch.testing.assert_close(y1, y2, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(g1, g2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("ours, theirs, kwargs", ACTIVATIONS, ids=IDS)
def test_gradcheck_every_activation(ours, theirs, kwargs):
    x = (torch.randn(4, 5, dtype=torch.float64) * 3 + 0.37).requires_grad_(True)  # away from the kinks
    assert torch.autograd.gradcheck(lambda t: ours(t, **kwargs), (x,))


def test_numbers_may_be_ints_or_numpy_scalars_as_in_torch():
    x = sample().detach()
    torch.testing.assert_close(F.leaky_relu(x, 1), TF.leaky_relu(x, 1))
    torch.testing.assert_close(F.elu(x, np.float64(0.5)), TF.elu(x, 0.5))
    torch.testing.assert_close(F.softplus(x, 2, 10), TF.softplus(x, 2, 10))
    torch.testing.assert_close(F.softplus(x, threshold=math.inf), TF.softplus(x, threshold=1e308))
    torch.testing.assert_close(F.relu(x, inplace=True), TF.relu(x))  # inplace is accepted, ignored


def test_swish_beta_and_its_derivative():
    x = sample()
    y = F.silu(x, beta=1.7)
    torch.testing.assert_close(y, x * torch.sigmoid(1.7 * x))
    assert torch.autograd.gradcheck(
        lambda t: F.silu(t, beta=1.7), (torch.randn(5, dtype=torch.float64, requires_grad=True),)
    )


def test_prelu_matches_torch_with_its_slope_gradient():
    x = sample()
    for w in (torch.tensor([0.3]), torch.tensor(0.3), torch.linspace(0.1, 0.5, 9)):
        w = w.double().requires_grad_(True)
        dy = torch.randn_like(x)
        y1 = F.prelu(x, w)
        g1 = torch.autograd.grad(y1, (x, w), dy)
        y2 = TF.prelu(x, w)
        g2 = torch.autograd.grad(y2, (x, w), dy)
        torch.testing.assert_close(y1, y2, rtol=1e-12, atol=1e-12)
        for a, b in zip(g1, g2):
            torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)
    w = torch.linspace(0.1, 0.5, 3, dtype=torch.float64, requires_grad=True)
    z = (torch.randn(4, 3, 2, dtype=torch.float64) * 3 + 0.37).requires_grad_(True)
    assert torch.autograd.gradcheck(F.prelu, (z, w))


def test_maxout_takes_the_max_of_consecutive_pieces_and_routes_the_gradient_to_it():
    x = torch.randn(3, 8, 2, dtype=torch.float64, requires_grad=True)
    y = F.maxout(x, 4)
    torch.testing.assert_close(y, x.view(3, 2, 4, 2).amax(dim=2))
    assert torch.autograd.gradcheck(lambda t: F.maxout(t, 4), (x,))


X = torch.randn(3)

BAD = [
    (
        lambda: F.sigmoid(torch.tensor([1, 2])),
        TypeError,
        "sigmoid: expected input of a floating dtype (got torch.int64)",
    ),
    (lambda: F.tanh(np.ones(3)), TypeError, "tanh: expected input to be a torch.Tensor (got ndarray)"),
    (lambda: F.relu([1.0, -1.0]), TypeError, "relu: expected input to be a torch.Tensor (got list)"),
    (lambda: F.relu(X, inplace="yes"), TypeError, "relu: expected inplace to be True or False (got str 'yes')"),
    # before: "could not convert string to float: 'a'"
    (lambda: F.leaky_relu(X, "a"), TypeError, "leaky_relu: expected negative_slope to be a number (got str 'a')"),
    (
        lambda: F.leaky_relu(X, torch.tensor(0.1)),
        TypeError,
        "leaky_relu: expected negative_slope to be a number (got Tensor tensor(0.1000)); pass a Python number",
    ),
    (lambda: F.elu(X, alpha=None), TypeError, "elu: expected alpha to be a number (got None)"),
    (lambda: F.elu(X, alpha=float("nan")), ValueError, "elu: expected alpha "),
    (lambda: F.selu([1.0]), TypeError, "selu: expected input to be a torch.Tensor (got list)"),
    (lambda: F.prelu(X, 0.25), TypeError, "prelu: expected weight to be a torch.Tensor (got float)"),
    (
        lambda: F.prelu(torch.randn(2, 3), torch.ones(2)),
        ValueError,
        "prelu: expected weight of one element or of 3 elements, one slope per channel (got shape (2,))",
    ),
    (
        lambda: F.prelu(torch.randn(2, 3), torch.ones(1, dtype=torch.float64)),
        TypeError,
        "prelu: expected weight of the dtype of input, torch.float32 (got torch.float64)",
    ),
    (lambda: F.relu6(X, inplace=None), TypeError, "relu6: expected inplace to be True or False (got None)"),
    (lambda: F.silu(X, beta="1"), TypeError, "silu: expected beta to be a number (got str '1')"),
    (
        lambda: F.mish(torch.ones(2, dtype=torch.int32)),
        TypeError,
        "mish: expected input of a floating dtype (got torch.int32)",
    ),
    (
        lambda: F.gelu(X, approximate="erf"),
        ValueError,
        "gelu: expected approximate to be one of 'none', 'tanh' (got 'erf')",
    ),
    (
        lambda: F.gelu(X, approximate=None),
        ValueError,
        "gelu: expected approximate to be one of 'none', 'tanh' (got None)",
    ),
    (lambda: F.softplus(X, beta=0), ValueError, "softplus: expected beta to be a finite number > 0 (got 0.0)"),
    (lambda: F.softplus(X, beta=-2.0), ValueError, "softplus: expected beta to be a finite number > 0 (got -2.0)"),
    # before: a bare TypeError "'>' not supported between instances of 'str' and 'int'"
    (lambda: F.softplus(X, beta="2"), TypeError, "softplus: expected beta to be a number (got str '2')"),
    (lambda: F.softplus(X, threshold=float("nan")), ValueError, "softplus: expected threshold "),
    (lambda: F.maxout(torch.randn(2, 5), 2), ValueError, "maxout: expected input of shape (N, C * 2, *) (got (2, 5))"),
    (lambda: F.maxout(torch.randn(2, 4), 0), ValueError, "maxout: expected pieces >= 1 (got 0)"),
    (lambda: F.maxout(torch.randn(2, 4), True), TypeError, "maxout: expected pieces to be an int (got bool True)"),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
