"""trainlab.init against torch.nn.init: same numbers for the same generator, the
formulas' statistics on large tensors, the gains, and the error messages."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import bad_input_test
from trainlab import init
from trainlab.init import NONLINEARITIES

SHAPES = [(64, 32), (16, 8, 3, 3), (10, 4, 5), (3, 2, 2, 3, 4)]
SEED = 1234


def gen(seed=SEED):
    return torch.Generator().manual_seed(seed)


def same_as_torch(name, shape, *args, **kwargs):
    """Run trainlab.init.<name> and torch.nn.init.<name> with equal generators; both results."""
    ours = getattr(init, name)(torch.empty(shape), *args, generator=gen(), **kwargs)
    theirs = getattr(torch.nn.init, name)(torch.empty(shape), *args, generator=gen(), **kwargs)
    return ours, theirs


# --- (1) identical to torch with the same seeded generator -------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "name, args",
    [
        ("uniform_", ()),
        ("uniform_", (-0.3, 0.7)),
        ("normal_", ()),
        ("normal_", (1.5, 0.2)),
        ("xavier_uniform_", ()),
        ("xavier_uniform_", (5 / 3,)),
        ("xavier_normal_", ()),
        ("xavier_normal_", (0.5,)),
    ],
)
def test_plain_and_xavier_equal_torch(name, args, shape):
    ours, theirs = same_as_torch(name, shape, *args)
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["kaiming_uniform_", "kaiming_normal_"])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "FAN_OUT"])
@pytest.mark.parametrize(
    "a, nonlinearity",
    [
        (0, "leaky_relu"),
        (math.sqrt(5), "leaky_relu"),
        (0.2, "leaky_relu"),
        (0, "relu"),
        (0, "tanh"),
        (0, "linear"),
        (0, "selu"),
    ],
)
def test_kaiming_equal_torch(name, mode, a, nonlinearity, shape):
    ours, theirs = same_as_torch(name, shape, a=a, mode=mode, nonlinearity=nonlinearity)
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("name", ["constant_", "zeros_", "ones_"])
def test_constants_equal_torch(name):
    args = (0.25,) if name == "constant_" else ()
    for shape in SHAPES:
        ours = getattr(init, name)(torch.empty(shape), *args)
        assert torch.equal(ours, getattr(torch.nn.init, name)(torch.empty(shape), *args))


def test_default_generator_is_the_global_one():
    torch.manual_seed(7)
    ours = init.kaiming_uniform_(torch.empty(16, 8, 3, 3))
    torch.manual_seed(7)
    assert torch.equal(ours, torch.nn.init.kaiming_uniform_(torch.empty(16, 8, 3, 3)))


def test_in_place_on_a_parameter_without_grad_tracking():
    w = torch.nn.Parameter(torch.empty(5, 3))
    out = init.xavier_normal_(w, generator=gen())
    assert out is w and w.grad_fn is None and w.requires_grad


def test_float64_equal_torch():
    ours = init.kaiming_normal_(torch.empty(20, 10, dtype=torch.float64), generator=gen())
    theirs = torch.nn.init.kaiming_normal_(torch.empty(20, 10, dtype=torch.float64), generator=gen())
    assert torch.equal(ours, theirs)


shapes = st.lists(st.integers(1, 6), min_size=2, max_size=5).map(tuple)


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    seed=st.integers(0, 2**32 - 1),
    name=st.sampled_from(["xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]),
    fan_out=st.booleans(),
)
def test_random_shapes_equal_torch(shape, seed, name, fan_out):
    kwargs = {"mode": "fan_out" if fan_out else "fan_in"} if name.startswith("kaiming") else {}
    ours = getattr(init, name)(torch.empty(shape), generator=gen(seed), **kwargs)
    theirs = getattr(torch.nn.init, name)(torch.empty(shape), generator=gen(seed), **kwargs)
    assert torch.equal(ours, theirs)
    assert init.fan_in_and_fan_out(ours) == torch.nn.init._calculate_fan_in_and_fan_out(ours)


def test_fans_of_linear_and_conv_weights():
    assert init.fan_in_and_fan_out(torch.empty(64, 32)) == (32, 64)
    assert init.fan_in_and_fan_out(torch.empty(16, 8, 3, 3)) == (8 * 9, 16 * 9)
    assert init.fan_in_and_fan_out(torch.empty(10, 4, 5)) == (20, 50)
    assert init.fan_in_and_fan_out(torch.empty(0, 4)) == (4, 0)


# --- (2) statistics of a large tensor against the formula ----------------------------------

BIG = (512, 256, 3, 3)  # ~1.2M values
FAN_IN, FAN_OUT = 256 * 9, 512 * 9


def check_normal(w, std):
    n = w.numel()
    assert abs(w.mean().item()) < 5 * std / math.sqrt(n)
    assert w.std().item() == pytest.approx(std, rel=1e-2)  # std of the sample std: std/sqrt(2n), ~0.07%


def check_uniform(w, bound):
    assert w.abs().max().item() <= torch.tensor(bound, dtype=w.dtype).item()  # the bound as float32 may round up
    assert w.max().item() > bound * (1 - 1e-3) and w.min().item() < -bound * (1 - 1e-3)
    assert w.std().item() == pytest.approx(bound / math.sqrt(3), rel=1e-2)  # U(-b, b): std = b / sqrt(3)


def test_statistics_uniform_and_normal():
    w = init.uniform_(torch.empty(BIG), -2.0, 4.0, generator=gen())
    assert w.min().item() >= -2.0 and w.max().item() < 4.0
    assert w.mean().item() == pytest.approx(1.0, abs=0.01)
    assert w.std().item() == pytest.approx(6 / math.sqrt(12), rel=1e-2)
    w = init.normal_(torch.empty(BIG), 3.0, 0.5, generator=gen())
    assert w.mean().item() == pytest.approx(3.0, abs=0.005)
    assert w.std().item() == pytest.approx(0.5, rel=1e-2)


@pytest.mark.parametrize("gain", [1.0, 5 / 3])
def test_statistics_xavier(gain):
    std = gain * math.sqrt(2 / (FAN_IN + FAN_OUT))  # Glorot & Bengio (2010)
    check_normal(init.xavier_normal_(torch.empty(BIG), gain, generator=gen()), std)
    check_uniform(init.xavier_uniform_(torch.empty(BIG), gain, generator=gen()), math.sqrt(3) * std)


@pytest.mark.parametrize("mode, fan", [("fan_in", FAN_IN), ("fan_out", FAN_OUT)])
@pytest.mark.parametrize("a, nonlinearity, gain", [(0, "relu", math.sqrt(2)), (0.2, "leaky_relu", math.sqrt(2 / 1.04))])
def test_statistics_kaiming(mode, fan, a, nonlinearity, gain):
    std = gain / math.sqrt(fan)  # He et al. (2015)
    check_normal(init.kaiming_normal_(torch.empty(BIG), a, mode, nonlinearity, generator=gen()), std)
    check_uniform(init.kaiming_uniform_(torch.empty(BIG), a, mode, nonlinearity, generator=gen()), math.sqrt(3) * std)


# --- (3) gains --------------------------------------------------------------------------


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_calculate_gain_equals_torch(nonlinearity):
    assert init.calculate_gain(nonlinearity) == torch.nn.init.calculate_gain(nonlinearity)
    assert isinstance(init.calculate_gain(nonlinearity), float)


def test_nonlinearities_are_torchs():
    assert set(NONLINEARITIES) == set(torch.nn.init._NonlinearityType.__args__)


@pytest.mark.parametrize("param", [None, 0, 0.01, 0.2, 1, math.sqrt(5), -0.5])
def test_leaky_relu_gain_equals_torch(param):
    assert init.calculate_gain("leaky_relu", param) == torch.nn.init.calculate_gain("leaky_relu", param)


# --- (4) bad input ----------------------------------------------------------------------

BAD = [
    (
        lambda: init.calculate_gain("gelu"),
        ValueError,
        "calculate_gain: expected nonlinearity to be one of 'linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', "
        "'conv_transpose2d', 'conv_transpose3d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu' (got 'gelu')",
    ),
    (lambda: init.calculate_gain(["relu"]), ValueError, "calculate_gain: expected nonlinearity to be one of 'linear',"),
    (
        lambda: init.calculate_gain("leaky_relu", "0.2"),
        TypeError,
        "calculate_gain: expected param (the negative slope of leaky_relu) to be a number (got str '0.2')",
    ),
    (lambda: init.calculate_gain("leaky_relu", True), TypeError, "(got bool True)"),
    (lambda: init.calculate_gain("leaky_relu", torch.tensor(0.2)), TypeError, "pass a Python number, e.g. p.item()"),
    (
        lambda: init.calculate_gain("leaky_relu", float("inf")),
        ValueError,
        "calculate_gain: expected param (the negative slope of leaky_relu) ",
    ),  # "... finite number (got inf)"
    (
        lambda: init.kaiming_normal_(torch.empty(3, 4), nonlinearity="Relu"),
        ValueError,
        "kaiming_normal_: expected nonlinearity to be one of 'linear',",
    ),
    (
        lambda: init.kaiming_normal_(torch.empty(3, 4), a="0.1"),
        TypeError,
        "kaiming_normal_: expected a (the negative slope of leaky_relu) to be a number (got str '0.1')",
    ),
    (
        lambda: init.kaiming_uniform_(torch.empty(3, 4), mode="fan_avg"),
        ValueError,
        "kaiming_uniform_: expected mode to be one of 'fan_in', 'fan_out' (got 'fan_avg')",
    ),
    (
        lambda: init.kaiming_uniform_(torch.empty(3, 4), mode=None),
        ValueError,
        "kaiming_uniform_: expected mode to be one of 'fan_in', 'fan_out' (got None)",
    ),
    (
        lambda: init.kaiming_uniform_(torch.empty(3, 0, 2)),
        ValueError,
        "kaiming_uniform_: expected fan_in > 0 and fan_out > 0 (got fan_in=0, fan_out=6 for a tensor of shape (3, 0, 2))",
    ),
    (
        lambda: init.kaiming_uniform_(torch.zeros(3, 4, dtype=torch.int64)),
        TypeError,
        "kaiming_uniform_: expected tensor of a floating dtype (got torch.int64); convert it with tensor.float()",
    ),
    (
        lambda: init.kaiming_uniform_(torch.empty(3, 4), generator=torch.manual_seed),
        TypeError,
        "kaiming_uniform_: expected generator to be a torch.Generator or None (got function",
    ),
    (
        lambda: init.xavier_uniform_(torch.empty(0, 5)),
        ValueError,
        "xavier_uniform_: expected fan_in > 0 and fan_out > 0 (got fan_in=5, fan_out=0 for a tensor of shape (0, 5))",
    ),
    (
        lambda: init.xavier_uniform_(torch.empty(3, 4).numpy()),
        TypeError,
        "xavier_uniform_: expected tensor to be a torch.Tensor (got ndarray)",
    ),
    (
        lambda: init.xavier_uniform_(torch.empty(3, 4), gain=None),
        TypeError,
        "xavier_uniform_: expected gain to be a number (got None)",
    ),
    (
        lambda: init.xavier_uniform_(torch.empty(3, 4), gain=-1.0),
        ValueError,
        "xavier_uniform_: expected gain to be a finite number >= 0 (got -1.0)",
    ),
    (
        lambda: init.xavier_normal_(torch.empty(5)),
        ValueError,
        "xavier_normal_: expected a tensor with at least 2 dimensions, (out_features, in_features, *kernel) "
        "(got 1D tensor of shape (5,))",
    ),
    (
        lambda: init.xavier_normal_(torch.empty(3, 4), gain=-0.5),
        ValueError,
        "xavier_normal_: expected gain to be a finite number >= 0 (got -0.5)",
    ),
    (
        lambda: init.xavier_normal_(torch.empty(3, 4), generator=1),
        TypeError,
        "xavier_normal_: expected generator to be a torch.Generator or None (got int 1)",
    ),
    (
        lambda: init.kaiming_normal_(torch.empty(())),
        ValueError,
        "kaiming_normal_: expected a tensor with at least 2 dimensions",
    ),
    (
        lambda: init.fan_in_and_fan_out(torch.empty(7)),
        ValueError,
        "fan_in_and_fan_out: expected a tensor with at least 2 dimensions",
    ),
    (
        lambda: init.fan_in_and_fan_out([[1.0]]),
        TypeError,
        "fan_in_and_fan_out: expected tensor to be a torch.Tensor (got list [[1.0]])",
    ),
    (
        lambda: init.normal_(torch.empty(3), 0.0, -1.0),
        ValueError,
        "normal_: expected std to be a finite number >= 0 (got -1.0)",
    ),
    (
        lambda: init.normal_(torch.empty(3), std=float("nan")),
        ValueError,
        "normal_: expected std to be a finite number >= 0 (got nan)",
    ),
    (lambda: init.normal_(torch.empty(3), mean="0"), TypeError, "normal_: expected mean to be a number (got str '0')"),
    (
        lambda: init.normal_(torch.empty(3), generator=0),
        TypeError,
        "normal_: expected generator to be a torch.Generator or None (got int 0)",
    ),
    (
        lambda: init.uniform_(torch.empty(3), 1.0, -1.0),
        ValueError,
        "uniform_: expected a <= b, the lower bound first (got a=1.0, b=-1.0)",
    ),
    (
        lambda: init.uniform_(torch.empty(3), 0.0, float("inf")),
        ValueError,
        "uniform_: expected b ",
    ),  # "... finite number (got inf)"
    (lambda: init.uniform_([0.0, 0.0]), TypeError, "uniform_: expected tensor to be a torch.Tensor (got list)"),
    (
        lambda: init.zeros_(torch.zeros(3, dtype=torch.int32)),
        TypeError,
        "zeros_: expected tensor of a floating dtype (got torch.int32)",
    ),
    (lambda: init.ones_((1.0, 2.0)), TypeError, "ones_: expected tensor to be a torch.Tensor (got tuple)"),
    (
        lambda: init.constant_(torch.empty(3), "0.5"),
        TypeError,
        "constant_: expected val to be a number (got str '0.5')",
    ),
    (
        lambda: init.constant_(torch.empty(3), torch.tensor(0.5)),
        TypeError,
        "constant_: expected val to be a number (got Tensor tensor(0.5000)); pass a Python number",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)


def test_kaiming_on_empty_tensor_raises_where_torch_only_warns():
    with pytest.warns(UserWarning, match="zero-element"):
        torch.nn.init.kaiming_normal_(torch.empty(0, 3))
    with pytest.raises(ValueError, match="zero-size dimension"):
        init.kaiming_normal_(torch.empty(0, 3))


def test_errors_come_before_the_tensor_is_touched():
    w = torch.full((3, 4), 7.0)
    with pytest.raises(ValueError):
        init.kaiming_uniform_(w, mode="bad")
    with pytest.raises(TypeError):
        init.xavier_uniform_(w, generator="seed")
    assert torch.equal(w, torch.full((3, 4), 7.0))
