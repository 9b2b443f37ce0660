"""trainlab.registry: every entry's forms agree with torch (module, functional, NumPy reference with
its derivative), its gain is torch's or the documented second-moment gain, and the code derived
from the registry (models, hooks) covers exactly its entries."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab import registry
from trainlab.hooks import LayerStats
from trainlab.models import ACTIVATIONS, initialize, mlp
from trainlab.numpy_ref import activation_backward

ENTRIES = list(registry.ACTIVATIONS.values())
IDS = [a.name for a in ENTRIES]


def leaf(seed=0):
    g = torch.Generator().manual_seed(seed)
    return (4 * torch.randn(7, 5, generator=g, dtype=torch.float64)).requires_grad_(True)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_form_of_an_activation_agrees_with_torch_forward_and_backward(entry):
    x = leaf()
    dy = torch.randn(7, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    want = entry.torch_module().double()(x)  # .double(): PReLU's slope is a float32 parameter
    (want_dx,) = torch.autograd.grad(want, x, dy)
    for name, y in (
        ("module", entry.module().double()(x)),
        ("functional", entry.functional(x)),
        ("make", entry.make("trainlab").double()(x)),
    ):
        (dx,) = torch.autograd.grad(y, x, dy)
        torch.testing.assert_close(y, want, msg=f"{entry.name} {name} forward")
        torch.testing.assert_close(dx, want_dx, msg=f"{entry.name} {name} backward")
    y_np, cache = entry.numpy_forward(x.detach().numpy())
    np.testing.assert_allclose(y_np, want.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(activation_backward(dy.numpy(), cache), want_dx.numpy(), rtol=1e-10, atol=1e-12)
    assert type(entry.make("torch")) is entry.torch_module


@pytest.mark.parametrize(
    "entry", [a for a in ENTRIES if a.torch_gain_name], ids=[a.name for a in ENTRIES if a.torch_gain_name]
)
def test_gain_is_torchs_where_torch_has_one(entry):
    assert entry.gain_source == "torch"
    assert entry.gain == nn.init.calculate_gain(entry.torch_gain_name)


def test_second_moment_gain_reproduces_he_for_relu_and_leaky_relu():
    """The formula used where torch has no gain gives torch's (He et al.'s) value where it has one."""
    for name in ("relu", "leaky_relu"):
        entry = registry.ACTIVATIONS[name]
        assert math.isclose(entry.gain_from_second_moment(), entry.gain, rel_tol=1e-9), name
    # PReLU at its initial slope a = 0.25: He et al.'s sqrt(2 / (1 + a^2)), torch's leaky_relu gain with param a
    prelu = registry.ACTIVATIONS["prelu"]
    assert prelu.gain_source == "second moment"
    assert math.isclose(prelu.gain, nn.init.calculate_gain("leaky_relu", registry.PRELU_INIT), rel_tol=1e-9)


def test_selu_constants_and_gain_are_torchs():
    x = torch.tensor([-1.0, 1.0], dtype=torch.float64)
    lam = float(torch.selu(x)[1])
    alpha = float(torch.selu(x)[0]) / (lam * (math.exp(-1) - 1))
    from trainlab.functional.activation import SELU_ALPHA, SELU_SCALE
    from trainlab.numpy_ref.activation import SELU_ALPHA as NP_ALPHA
    from trainlab.numpy_ref.activation import SELU_SCALE as NP_SCALE

    assert SELU_SCALE == NP_SCALE == pytest.approx(lam, rel=1e-15)
    assert SELU_ALPHA == NP_ALPHA == pytest.approx(alpha, rel=1e-14)
    assert registry.ACTIVATIONS["selu"].gain == nn.init.calculate_gain("selu") == 0.75


def test_prelu_slope_gradient_matches_torch_in_every_form():
    """PReLU learns its slope: the gradient w.r.t. the weight agrees with torch's (module, functional, NumPy)."""
    x = leaf()
    dy = torch.randn(7, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    theirs = nn.PReLU(5, init=0.1).double()
    ours = registry.ACTIVATIONS["prelu"].module(5, init=0.1).double()
    assert ours.state_dict().keys() == theirs.state_dict().keys()
    want_dx, want_da = torch.autograd.grad(theirs(x), (x, theirs.weight), dy)
    dx, da = torch.autograd.grad(ours(x), (x, ours.weight), dy)
    torch.testing.assert_close(dx, want_dx)
    torch.testing.assert_close(da, want_da)
    from trainlab.numpy_ref import prelu_backward, prelu_forward

    _, cache = prelu_forward(x.detach().numpy(), theirs.weight.detach().numpy())  # 0.1 rounded to float32
    np_dx, np_da = prelu_backward(dy.numpy(), cache)
    np.testing.assert_allclose(np_dx, want_dx.numpy(), rtol=1e-12)
    np.testing.assert_allclose(np_da, want_da.numpy(), rtol=1e-12)
    # the registry's functional is PReLU at its initial slope: a fresh module's function
    torch.testing.assert_close(registry.ACTIVATIONS["prelu"].functional(x), nn.PReLU().double()(x))


@pytest.mark.parametrize(
    "entry", [a for a in ENTRIES if not a.torch_gain_name], ids=[a.name for a in ENTRIES if not a.torch_gain_name]
)
def test_second_moment_gain_keeps_the_variance_of_a_layer(entry):
    """Monte Carlo: with Var[w] = gain^2 / n, a layer W f(z), z ~ N(0, 1), has output variance 1."""
    assert entry.gain_source == "second moment"
    z = torch.randn(400_000, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    second_moment = float((entry.torch_module().double()(z).detach() ** 2).mean())
    assert entry.gain**2 * second_moment == pytest.approx(1.0, rel=1e-2)


def test_models_and_hooks_are_derived_from_the_registry():
    assert ACTIVATIONS == tuple(registry.ACTIVATIONS)
    for entry in ENTRIES:
        for lib, cls in (("torch", entry.torch_module), ("trainlab", entry.module)):
            net = mlp([6, 5, 4, 3], activation=entry.name, norm="batch", dropout=0.2, lib=lib)
            assert [type(m) for m in net if isinstance(m, registry.module_types())] == [cls, cls]
            with LayerStats(net) as stats:  # watches the activations only
                net(torch.randn(8, 6)).sum().backward()
            assert len(stats.table()) == 2, (entry.name, lib, [r["layer"] for r in stats.table()])


def test_initialize_uses_the_registrys_gain_for_every_activation():
    for entry in ENTRIES:
        net = initialize(
            mlp([2000, 400, 10], activation=entry.name),
            "kaiming_normal",
            activation=entry.name,
            generator=torch.Generator().manual_seed(0),
        )
        std = float(net[0].weight.detach().std())
        assert std == pytest.approx(entry.gain / math.sqrt(2000), rel=0.02), entry.name
        net = initialize(
            mlp([2000, 400, 10], activation=entry.name),
            "kaiming_uniform",
            activation=entry.name,
            generator=torch.Generator().manual_seed(0),
        )
        assert float(net[0].weight.detach().std()) == pytest.approx(entry.gain / math.sqrt(2000), rel=0.02), entry.name


BAD = [
    (
        lambda: registry.get("swish"),
        ValueError,
        "trainlab.registry.get: expected activation to be one of 'sigmoid', 'tanh'",
    ),
    (lambda: registry.get(None), ValueError, "expected activation to be one of"),
    (
        lambda: registry.prelu_at_init([1.0]),
        TypeError,
        "prelu_at_init: expected input to be a torch.Tensor (got list)",
    ),
    (
        lambda: registry.ACTIVATIONS["relu"].make("keras"),
        ValueError,
        "Activation.make: expected lib to be one of 'torch', 'trainlab' (got 'keras')",
    ),
    (
        lambda: initialize(mlp([4, 3]), "kaiming_normal", activation="Tanh"),
        ValueError,
        "initialize: expected activation to be one of",
    ),
    (lambda: initialize(mlp([4, 3]), "he"), ValueError, "initialize: expected scheme to be one of None, 'zeros'"),
    (
        lambda: initialize("net", "kaiming_normal"),
        TypeError,
        "initialize: expected model to be a torch.nn.Module (got str 'net')",
    ),
    (
        lambda: initialize(mlp([4, 3]), "normal", std="0.1"),
        TypeError,
        "initialize: expected std to be a number (got str '0.1')",
    ),
    (
        lambda: initialize(mlp([4, 3]), "normal", std=-1.0),
        ValueError,
        "initialize: expected std to be a finite number >= 0 (got -1.0)",
    ),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
