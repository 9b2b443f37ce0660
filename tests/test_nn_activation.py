"""trainlab.nn activation modules in place of torch.nn ones: same results."""

import pytest
import torch
from torch import nn

import trainlab.nn as tnn
from conftest import bad_input_test


@pytest.fixture(autouse=True)
def _compare_in_float64(float64):
    yield


ACTIVATION_PAIRS = [
    (tnn.Sigmoid(), nn.Sigmoid()),
    (tnn.Tanh(), nn.Tanh()),
    (tnn.ReLU(), nn.ReLU()),
    (tnn.LeakyReLU(0.1), nn.LeakyReLU(0.1)),
    (tnn.PReLU(), nn.PReLU()),
    (tnn.PReLU(7, 0.1), nn.PReLU(7, 0.1)),
    (tnn.ELU(0.5), nn.ELU(0.5)),
    (tnn.SELU(), nn.SELU()),
    (tnn.ReLU6(), nn.ReLU6()),
    (tnn.SiLU(), nn.SiLU()),
    (tnn.Mish(), nn.Mish()),
    (tnn.GELU("tanh"), nn.GELU("tanh")),
    (tnn.Softplus(2.0, 10.0), nn.Softplus(2.0, 10.0)),
]


@pytest.mark.parametrize("ours, theirs", ACTIVATION_PAIRS, ids=[type(a).__name__ for a, _ in ACTIVATION_PAIRS])
def test_activation_modules_match_torch(ours, theirs):
    x = torch.randn(6, 7) * 4
    ours, theirs = ours.to(x.dtype), theirs.to(x.dtype)  # PReLU's slope was made in float32 at import
    torch.testing.assert_close(ours(x), theirs(x))


# (name, args, kwargs): the same construction of trainlab.nn.<name> and torch.nn.<name>
REPR_CASES = [
    ("Sigmoid", (), {}),
    ("Tanh", (), {}),
    ("ReLU", (), {}),
    ("ReLU", (True,), {}),
    ("ReLU6", (), {}),
    ("ReLU6", (), {"inplace": True}),
    ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.2, True), {}),
    ("LeakyReLU", (1,), {}),
    ("PReLU", (), {}),
    ("PReLU", (3, 0.1), {}),
    ("PReLU", (), {"num_parameters": 2, "init": 0.0}),
    ("SELU", (), {}),
    ("SELU", (True,), {}),
    ("ELU", (), {}),
    ("ELU", (2,), {"inplace": True}),
    ("ELU", (0.5,), {}),
    ("SiLU", (), {}),
    ("SiLU", (True,), {}),
    ("Mish", (), {}),
    ("Mish", (True,), {}),
    ("GELU", (), {}),
    ("GELU", ("tanh",), {}),
    ("GELU", (), {"approximate": "none"}),
    ("Softplus", (), {}),
    ("Softplus", (2, 10), {}),
    ("Softplus", (), {"beta": 0.5, "threshold": 15.5}),
]


@pytest.mark.parametrize("name, args, kwargs", REPR_CASES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(REPR_CASES)])
def test_activation_modules_print_as_torchs(name, args, kwargs):
    # before: GELU("tanh") printed GELU(), Softplus(2, 10) printed Softplus(), ReLU(True) printed ReLU()
    assert repr(getattr(tnn, name)(*args, **kwargs)) == repr(getattr(nn, name)(*args, **kwargs))


def test_swish_and_maxout_print_their_own_arguments():
    assert repr(tnn.SiLU(beta=1.7)) == "SiLU(beta=1.7)"
    assert repr(tnn.SiLU(True, beta=2)) == "SiLU(inplace=True, beta=2)"
    assert repr(nn.Sequential(tnn.Maxout(3))) == "Sequential(\n  (0): Maxout(pieces=3)\n)"


def test_swish_and_maxout_compute_their_functions():
    x = torch.randn(4, 6)
    torch.testing.assert_close(tnn.SiLU(beta=1.7)(x), x * torch.sigmoid(1.7 * x))
    torch.testing.assert_close(tnn.Maxout(3)(x), x.view(4, 2, 3).amax(dim=2))


def test_prelu_learns_its_slope_as_torchs():
    x = torch.randn(6, 7) * 4
    ours, theirs = tnn.PReLU(7, 0.2), nn.PReLU(7, 0.2)
    assert ours.state_dict().keys() == theirs.state_dict().keys() == {"weight"}
    (ours(x) ** 2).sum().backward()
    (theirs(x) ** 2).sum().backward()
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad)


BAD = [
    (lambda: tnn.PReLU(0), ValueError, "PReLU: expected num_parameters >= 1 (got 0)"),
    (lambda: tnn.PReLU(init="0.25"), TypeError, "PReLU: expected init to be a number (got str '0.25')"),
    (lambda: tnn.SELU(inplace="no"), TypeError, "SELU: expected inplace to be True or False (got str 'no')"),
    (lambda: tnn.Maxout(0), ValueError, "Maxout: expected pieces >= 1 (got 0)"),
    # before: a bool, a float or a string all raised ValueError "expected pieces to be a positive int"
    (lambda: tnn.Maxout(2.0), TypeError, "Maxout: expected pieces to be an int (got float 2.0)"),
    (
        lambda: tnn.Maxout(2)(torch.randn(2, 5)),
        ValueError,
        "maxout: expected input of shape (N, C * 2, *) (got (2, 5))",
    ),
    (lambda: tnn.GELU("fast"), ValueError, "GELU: expected approximate to be one of 'none', 'tanh' (got 'fast')"),
    (
        lambda: tnn.GELU()(torch.ones(2, dtype=torch.int64)),
        TypeError,
        "gelu: expected input of a floating dtype (got torch.int64)",
    ),
    (lambda: tnn.Softplus(beta=0), ValueError, "Softplus: expected beta to be a finite number > 0 (got 0.0)"),
    (lambda: tnn.Softplus(threshold="20"), TypeError, "Softplus: expected threshold to be a number (got str '20')"),
    (lambda: tnn.LeakyReLU("a"), TypeError, "LeakyReLU: expected negative_slope to be a number (got str 'a')"),
    (
        lambda: tnn.LeakyReLU(0.1, inplace="no"),
        TypeError,
        "LeakyReLU: expected inplace to be True or False (got str 'no')",
    ),
    (lambda: tnn.ELU(alpha=None), TypeError, "ELU: expected alpha to be a number (got None)"),
    (lambda: tnn.ReLU(inplace=1), TypeError, "ReLU: expected inplace to be True or False (got int 1)"),
    (lambda: tnn.ReLU6(None), TypeError, "ReLU6: expected inplace to be True or False (got None)"),
    (lambda: tnn.SiLU(beta="1"), TypeError, "SiLU: expected beta to be a number (got str '1')"),
    (lambda: tnn.Mish(inplace="True"), TypeError, "Mish: expected inplace to be True or False (got str 'True')"),
    (lambda: tnn.Sigmoid()([0.5]), TypeError, "sigmoid: expected input to be a torch.Tensor (got list)"),
    (
        lambda: tnn.Tanh()(torch.ones(2, dtype=torch.int32)),
        TypeError,
        "tanh: expected input of a floating dtype (got torch.int32)",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
