"""trainlab.functional normalization vs torch.nn.functional (float64), gradcheck, the NumPy twin."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import trainlab.functional as F
from conftest import bad_input_test
from trainlab import numpy_ref as ref

SETTINGS = settings(max_examples=25, deadline=None)


@pytest.fixture(autouse=True)
def _compare_in_float64(float64):
    yield


def shapes(min_dims=2, max_dims=4, min_side=2, max_side=5):
    return st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims).map(tuple)


def leaf(*shape, scale=1.0, shift=0.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=g) * scale + shift).requires_grad_(True)


def grads_of(fn, inputs, dy):
    for t in inputs:
        t.grad = None
    fn().backward(dy)
    return [t.grad.clone() for t in inputs]


def assert_close(a, b, what):
    torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-10, msg=lambda m: f"{what}: {m}")


@SETTINGS
@given(shape=shapes(), training=st.booleans(), momentum=st.floats(0.0, 1.0), seed=st.integers(0, 100))
def test_batch_norm_matches_torch(shape, training, momentum, seed):
    C = shape[1]
    x, w, b = leaf(*shape, scale=3, shift=2, seed=seed), leaf(C, seed=seed + 1), leaf(C, seed=seed + 2)
    rm, rv = torch.randn(C), torch.rand(C) + 0.5
    dy = torch.randn(shape)
    ours_rm, ours_rv, theirs_rm, theirs_rv = rm.clone(), rv.clone(), rm.clone(), rv.clone()
    y1 = F.batch_norm(x, ours_rm, ours_rv, w, b, training, momentum, 1e-5)
    g1 = grads_of(lambda: F.batch_norm(x, rm.clone(), rv.clone(), w, b, training, momentum, 1e-5), [x, w, b], dy)
    y2 = TF.batch_norm(x, theirs_rm, theirs_rv, w, b, training, momentum, 1e-5)
    g2 = grads_of(lambda: TF.batch_norm(x, rm.clone(), rv.clone(), w, b, training, momentum, 1e-5), [x, w, b], dy)
    assert_close(y1, y2, "output")
    for name, a, c in zip(["dx", "dweight", "dbias"], g1, g2):
        assert_close(a, c, name)
    assert_close(ours_rm, theirs_rm, "running_mean")
    assert_close(ours_rv, theirs_rv, "running_var")


@SETTINGS
@given(lead=shapes(1, 2), norm=shapes(1, 2), seed=st.integers(0, 100))
def test_layer_norm_matches_torch(lead, norm, seed):
    shape = lead + norm
    x, w, b = leaf(*shape, scale=2, seed=seed), leaf(*norm, seed=seed + 1), leaf(*norm, seed=seed + 2)
    dy = torch.randn(shape)
    y1, g1 = F.layer_norm(x, norm, w, b), grads_of(lambda: F.layer_norm(x, norm, w, b), [x, w, b], dy)
    y2, g2 = TF.layer_norm(x, norm, w, b), grads_of(lambda: TF.layer_norm(x, norm, w, b), [x, w, b], dy)
    assert_close(y1, y2, "output")
    for name, a, c in zip(["dx", "dweight", "dbias"], g1, g2):
        assert_close(a, c, name)


@SETTINGS
@given(
    n=st.integers(1, 3),
    groups=st.integers(1, 4),
    per_group=st.integers(1, 3),
    spatial=shapes(0, 2),
    seed=st.integers(0, 50),
)
def test_group_norm_matches_torch(n, groups, per_group, spatial, seed):
    C = groups * per_group
    shape = (n, C) + spatial
    if np.prod(shape[2:], dtype=int) * per_group < 2:
        return
    x, w, b = leaf(*shape, seed=seed), leaf(C, seed=seed + 1), leaf(C, seed=seed + 2)
    dy = torch.randn(shape)
    y1, g1 = F.group_norm(x, groups, w, b), grads_of(lambda: F.group_norm(x, groups, w, b), [x, w, b], dy)
    y2, g2 = TF.group_norm(x, groups, w, b), grads_of(lambda: TF.group_norm(x, groups, w, b), [x, w, b], dy)
    assert_close(y1, y2, "output")
    for name, a, c in zip(["dx", "dweight", "dbias"], g1, g2):
        assert_close(a, c, name)


@SETTINGS
@given(shape=shapes(3, 4), use_input_stats=st.booleans(), seed=st.integers(0, 50))
def test_instance_norm_matches_torch(shape, use_input_stats, seed):
    C = shape[1]
    x, w, b = leaf(*shape, seed=seed), leaf(C, seed=seed + 1), leaf(C, seed=seed + 2)
    rm, rv = torch.randn(C), torch.rand(C) + 0.5
    dy = torch.randn(shape)
    a_rm, a_rv, b_rm, b_rv = rm.clone(), rv.clone(), rm.clone(), rv.clone()
    y1 = F.instance_norm(x, a_rm, a_rv, w, b, use_input_stats, 0.1, 1e-5)
    y2 = TF.instance_norm(x, b_rm, b_rv, w, b, use_input_stats, 0.1, 1e-5)
    g1 = grads_of(lambda: F.instance_norm(x, rm.clone(), rv.clone(), w, b, use_input_stats), [x, w, b], dy)
    g2 = grads_of(lambda: TF.instance_norm(x, rm.clone(), rv.clone(), w, b, use_input_stats), [x, w, b], dy)
    assert_close(y1, y2, "output")
    for name, a, c in zip(["dx", "dweight", "dbias"], g1, g2):
        assert_close(a, c, name)
    assert_close(a_rm, b_rm, "running_mean")
    assert_close(a_rv, b_rv, "running_var")


def test_group_norm_with_one_group_is_layer_norm_and_with_C_groups_is_instance_norm():
    x = leaf(3, 6, 4, 5)
    torch.testing.assert_close(F.group_norm(x, 1), F.layer_norm(x, (6, 4, 5)))
    torch.testing.assert_close(F.group_norm(x, 6), F.instance_norm(x))


RUNNING_MEAN = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
RUNNING_VAR = torch.tensor([0.7, 1.3, 2.0], dtype=torch.float64)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, w, b: F.batch_norm(x, None, None, w, b, True),
        lambda x, w, b: F.batch_norm(x, RUNNING_MEAN, RUNNING_VAR, w, b, False),
        lambda x, w, b: F.layer_norm(x, (3, 4), torch.cat([w, w, w, w]).view(3, 4), None),
        lambda x, w, b: F.group_norm(x, 3, w, b),
        lambda x, w, b: F.instance_norm(x, None, None, w, b),
    ],
    ids=["batch_norm-train", "batch_norm-eval", "layer_norm", "group_norm", "instance_norm"],
)
def test_gradcheck_every_normalization(fn):
    x, w, b = leaf(4, 3, 4), leaf(3, seed=1), leaf(3, seed=2)
    assert torch.autograd.gradcheck(fn, (x, w, b))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (3, 3, 2, 4)])
def test_numpy_reference_equals_the_torch_version(shape, training):
    x, w, b = leaf(*shape), leaf(3, seed=1), leaf(3, seed=2)
    rm, rv = torch.randn(3), torch.rand(3) + 0.5
    dy = torch.randn(shape)
    y = F.batch_norm(x, rm.clone(), rv.clone(), w, b, training)
    grads = grads_of(lambda: F.batch_norm(x, rm.clone(), rv.clone(), w, b, training), [x, w, b], dy)
    y_np, cache = ref.batch_norm_forward(
        x.detach().numpy(), rm.numpy().copy(), rv.numpy().copy(), w.detach().numpy(), b.detach().numpy(), training
    )
    for got, want in zip((y_np, *ref.batch_norm_backward(dy.numpy(), cache)), (y, *grads)):
        np.testing.assert_allclose(got, want.detach().numpy(), rtol=1e-9, atol=1e-11)


def test_a_non_finite_training_batch_leaves_the_running_statistics_alone():
    rm, rv = torch.zeros(2), torch.ones(2)
    x = torch.randn(8, 2)
    x[3, 1] = float("nan")
    with pytest.raises(ValueError, match="batch_norm: expected finite values in a training batch"):
        F.batch_norm(x, rm, rv, training=True)
    assert torch.equal(rm, torch.zeros(2)) and torch.equal(rv, torch.ones(2))
    x[3, 1] = float("inf")
    y = F.batch_norm(x, None, None, training=True)  # without running statistics NaN propagates, as in torch
    assert torch.isnan(y[:, 1]).all() and torch.isfinite(y[:, 0]).all()
    with pytest.raises(ValueError, match="batch_norm_forward: expected finite values"), np.errstate(invalid="ignore"):
        ref.batch_norm_forward(x.numpy(), running_mean=np.zeros(2), running_var=np.ones(2))


ZERO_SIZE = [
    ("batch_norm-train", (0, 3), lambda f, x, rm, rv, w, b: f.batch_norm(x, rm, rv, w, b, True)),
    ("batch_norm-train", (0, 3, 5), lambda f, x, rm, rv, w, b: f.batch_norm(x, rm, rv, w, b, True)),
    ("batch_norm-train", (4, 3, 0), lambda f, x, rm, rv, w, b: f.batch_norm(x, rm, rv, w, b, True)),
    ("batch_norm-no-running", (0, 3, 2, 2), lambda f, x, rm, rv, w, b: f.batch_norm(x, None, None, w, b, True)),
    ("batch_norm-eval", (0, 3), lambda f, x, rm, rv, w, b: f.batch_norm(x, rm, rv, w, b, False)),
    ("group_norm", (0, 3, 4), lambda f, x, rm, rv, w, b: f.group_norm(x, 3, w, b)),
    ("group_norm", (0, 3), lambda f, x, rm, rv, w, b: f.group_norm(x, 1, w, b)),
    ("layer_norm", (0, 3), lambda f, x, rm, rv, w, b: f.layer_norm(x, (3,), w, b)),
    # torch's instance_norm fails on an empty batch with weight and bias: compare without them
    (
        "instance_norm",
        (0, 3, 4),
        lambda f, x, rm, rv, w, b: f.instance_norm(x, None, None) * w.view(1, 3, 1) + b.view(1, 3, 1),
    ),
]


@pytest.mark.parametrize("name, shape, call", ZERO_SIZE, ids=[f"{n}-{s}" for n, s, _ in ZERO_SIZE])
def test_a_zero_size_batch_gives_an_empty_result_as_in_torch(name, shape, call):
    results = []
    for f in (F, TF):
        x, w, b = torch.zeros(shape, requires_grad=True), leaf(3, seed=1), leaf(3, seed=2)
        rm, rv = RUNNING_MEAN.clone(), RUNNING_VAR.clone()
        y = call(f, x, rm, rv, w, b)
        y.sum().backward()
        results.append((y, x.grad, w.grad, b.grad, rm, rv))
    for what, ours, theirs in zip(["output", "dx", "dweight", "dbias", "running_mean", "running_var"], *results):
        assert_close(ours, theirs, what)


def test_a_zero_size_batch_leaves_instance_norms_running_statistics_alone():
    """torch writes NaN into them (an average over no instances); trainlab leaves them be."""
    rm, rv = RUNNING_MEAN.clone(), RUNNING_VAR.clone()
    w = leaf(3)
    y = F.instance_norm(torch.zeros(0, 3, 4), rm, rv, w, w)
    y.sum().backward()
    assert y.shape == (0, 3, 4) and torch.equal(w.grad, torch.zeros(3))
    assert torch.equal(rm, RUNNING_MEAN) and torch.equal(rv, RUNNING_VAR)


def test_a_zero_size_group_norm_gives_zero_gradients():
    """Sums over no values are 0 (torch gives NaN for dweight when the spatial size is 0)."""
    x, w, b = torch.zeros(2, 4, 0, requires_grad=True), leaf(4), leaf(4, seed=1)
    F.group_norm(x, 2, w, b).sum().backward()
    assert torch.equal(w.grad, torch.zeros(4)) and torch.equal(b.grad, torch.zeros(4))


BAD = [
    (
        lambda: F.batch_norm(torch.randn(1, 3), None, None, training=True),
        ValueError,
        "batch_norm: expected more than 1 value per channel when training",
    ),
    (
        lambda: F.batch_norm(torch.randn(3), None, None, training=True),
        ValueError,
        "batch_norm: expected 2D or 3D or 4D or 5D input (got 1D",
    ),
    (
        lambda: F.batch_norm(torch.ones(4, 3, dtype=torch.int64), None, None, training=True),
        TypeError,
        "batch_norm: expected input of a floating dtype (got torch.int64)",
    ),
    (
        lambda: F.batch_norm(np.ones((4, 3)), None, None, training=True),
        TypeError,
        "batch_norm: expected input to be a torch.Tensor (got ndarray)",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), None, None, torch.ones(2), training=True),
        ValueError,
        "batch_norm: expected weight of shape (3,) (got (2,))",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), None, None, None, torch.ones(3, 1), training=True),
        ValueError,
        "batch_norm: expected bias of shape (3,) (got (3, 1))",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), torch.zeros(2), torch.ones(2), training=True),
        ValueError,
        "batch_norm: expected running_mean of shape (3,) (got (2,))",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), torch.zeros(3), None, training=True),
        ValueError,
        "batch_norm: expected both running_mean and running_var, or neither (got running_var=None)",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), None, None, training=False),
        ValueError,
        "batch_norm: expected running_mean and running_var when training=False",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), torch.zeros(3), torch.ones(3), training=True, momentum=-0.1),
        ValueError,
        "batch_norm: expected momentum in [0, 1] (got -0.1)",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), None, None, training=True, eps=-1e-5),
        ValueError,
        "batch_norm: expected eps to be a finite number >= 0",
    ),
    (
        lambda: F.layer_norm(torch.randn(4, 3), (4,)),
        ValueError,
        "layer_norm: expected input of shape (*, 4) (got (4, 3))",
    ),
    (
        lambda: F.layer_norm(torch.randn(4, 3), (3,), torch.ones(4)),
        ValueError,
        "layer_norm: expected weight of shape (3,) (got (4,))",
    ),
    (
        lambda: F.group_norm(torch.randn(2, 6, 3), 4),
        ValueError,
        "group_norm: expected num_groups to divide the number of channels 6 (got num_groups=4)",
    ),
    (lambda: F.group_norm(torch.randn(2, 6, 3), 0), ValueError, "group_norm: expected num_groups >= 1 (got 0)"),
    (
        lambda: F.group_norm(torch.randn(2, 6, 3), 2.0),
        TypeError,
        "group_norm: expected num_groups to be an int (got float 2.0)",
    ),
    (lambda: F.group_norm(torch.randn(6), 2), ValueError, "group_norm: expected input of shape (N, C, *) (got 1D"),
    (lambda: F.instance_norm(torch.randn(2, 3)), ValueError, "instance_norm: expected 3D or 4D or 5D input (got 2D"),
    (
        lambda: F.instance_norm(torch.randn(2, 3, 1)),
        ValueError,
        "instance_norm: expected more than 1 spatial element per channel",
    ),
    (
        lambda: F.instance_norm(torch.randn(2, 3, 4), use_input_stats=False),
        ValueError,
        "instance_norm: expected running_mean and running_var when use_input_stats=False",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), torch.zeros(3), torch.ones(3), training=True, momentum="0.1"),
        TypeError,
        "batch_norm: expected momentum to be a number (got str '0.1')",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), None, None, training=True, eps="1e-5"),
        TypeError,
        "batch_norm: expected eps to be a number (got str '1e-5')",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), None, None, training="yes"),
        TypeError,
        "batch_norm: expected training to be True or False (got str 'yes')",
    ),
    (
        lambda: F.batch_norm(torch.randn(4, 3), None, None, [1.0, 1.0, 1.0], training=True),
        TypeError,
        "batch_norm: expected weight to be a torch.Tensor (got list)",
    ),
    (
        lambda: F.batch_norm(torch.randn(1, 3, 1), None, None, training=True),
        ValueError,
        "batch_norm: expected more than 1 value per channel when training (got input of shape (1, 3, 1))",
    ),
    (
        lambda: F.layer_norm(torch.randn(4, 3), "3"),
        TypeError,
        "layer_norm: expected normalized_shape to be an int or a sequence of ints (got str '3')",
    ),
    (
        lambda: F.layer_norm(torch.randn(4, 3), (3.0,)),
        TypeError,
        "layer_norm: expected normalized_shape to be an int or a sequence of ints (got tuple (3.0,))",
    ),
    (
        lambda: F.layer_norm(torch.randn(4, 3), (3,), eps="1e-5"),
        TypeError,
        "layer_norm: expected eps to be a number (got str '1e-5')",
    ),
    (lambda: F.layer_norm([1.0, 2.0], (2,)), TypeError, "layer_norm: expected input to be a torch.Tensor (got list)"),
    (
        lambda: F.group_norm(torch.randn(2, 6, 3), 2, torch.ones(3)),
        ValueError,
        "group_norm: expected weight of shape (6,) (got (3,))",
    ),
    (
        lambda: F.group_norm(torch.randn(2, 6, 3), 2, eps=-1.0),
        ValueError,
        "group_norm: expected eps to be a finite number >= 0 (got -1.0)",
    ),
    (
        lambda: F.group_norm(torch.randn(2, 4), 4),
        ValueError,
        "group_norm: expected more than 1 value per group (got input of shape (2, 4))",
    ),
    (
        lambda: F.instance_norm(torch.randn(2, 3, 4), use_input_stats=1),
        TypeError,
        "instance_norm: expected use_input_stats to be True or False (got int 1)",
    ),
    (
        lambda: F.instance_norm(torch.randn(2, 3, 4), torch.zeros(3), torch.ones(3), momentum=2.0),
        ValueError,
        "instance_norm: expected momentum in [0, 1] (got 2.0)",
    ),
    (
        lambda: F.instance_norm(torch.randn(0, 3, 1)),
        ValueError,
        "instance_norm: expected more than 1 spatial element per channel (got input of shape (0, 3, 1))",
    ),
    (
        lambda: F.instance_norm(torch.randn(2, 3, 4), None, None, torch.ones(4)),
        ValueError,
        "instance_norm: expected weight of shape (3,) (got (4,))",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
