"""trainlab.numpy_ref normalization against torch.nn.functional (float64) and finite differences."""

import inspect
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import bad_input_test
from trainlab import numpy_ref as ref
from trainlab.gradcheck import numeric_gradient
from trainlab.numpy_ref import batch_norm_backward, batch_norm_forward

SHAPES = [(7, 3), (5, 4, 6), (4, 3, 5, 2)]


@pytest.fixture(autouse=True)
def _compare_in_float64(float64):
    yield


def _torch_bn(x, gamma, beta, rm, rv, dy, training):
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    rmt, rvt = torch.tensor(rm), torch.tensor(rv)
    yt = F.batch_norm(xt, rmt, rvt, gt, bt, training=training, momentum=0.1, eps=1e-5)
    yt.backward(torch.tensor(dy))
    return yt.detach().numpy(), xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy(), rmt.numpy(), rvt.numpy()


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_forward_backward_and_running_stats_match_torch(shape, training):
    rng = np.random.default_rng(1)
    x = rng.normal(loc=3.0, scale=2.0, size=shape)
    C = shape[1]
    gamma, beta, dy = rng.normal(size=C), rng.normal(size=C), rng.normal(size=shape)
    rm, rv = rng.normal(size=C), rng.uniform(0.5, 2, size=C)
    want = _torch_bn(x, gamma, beta, rm.copy(), rv.copy(), dy, training)

    y, cache = batch_norm_forward(x, rm, rv, gamma, beta, training=training, momentum=0.1, eps=1e-5)
    got = (y, *batch_norm_backward(dy, cache), rm, rv)

    for name, g, w in zip(["y", "dx", "dweight", "dbias", "running_mean", "running_var"], got, want):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-11, err_msg=name)


@pytest.mark.parametrize("shape", SHAPES)
def test_backward_matches_centred_differences(shape):
    rng = np.random.default_rng(2)
    x = rng.normal(size=shape)
    gamma, beta = rng.normal(size=shape[1]), rng.normal(size=shape[1])
    dy = rng.normal(size=shape)

    def loss():
        return float((batch_norm_forward(x, weight=gamma, bias=beta)[0] * dy).sum())

    dx, dgamma, dbeta = batch_norm_backward(dy, batch_norm_forward(x, weight=gamma, bias=beta)[1])
    for name, analytic, wrt in [("dx", dx, x), ("dgamma", dgamma, gamma), ("dbeta", dbeta, beta)]:
        numeric = numeric_gradient(loss, wrt)
        rel = np.abs(analytic - numeric).max() / max(1e-8, np.abs(numeric).max())
        assert rel < 1e-7, f"{name}: relative error {rel:.2e}"


def test_normalizes_each_channel_to_zero_mean_unit_variance():
    x = np.random.default_rng(3).normal(loc=[5.0, -2.0], scale=[3.0, 0.1], size=(500, 2))
    y, _ = batch_norm_forward(x, eps=0.0)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1.0, rtol=1e-12)


def leaf(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g).requires_grad_(True)


def grads_of(fn, inputs, dy):
    for t in inputs:
        t.grad = None
    fn().backward(dy)
    return [t.grad.clone() for t in inputs]


def test_layer_group_instance_norm_equal_torch():
    x = leaf(2, 4, 3, 3)
    w, b = leaf(4, seed=1), leaf(4, seed=2)
    dy = torch.randn(2, 4, 3, 3)
    rm, rv = np.zeros(4), np.ones(4)
    t_rm, t_rv = torch.zeros(4), torch.ones(4)
    cases = [
        (
            lambda: F.group_norm(x, 2, w, b),
            lambda a: ref.group_norm_forward(a, 2, w.detach().numpy(), b.detach().numpy()),
            ref.group_norm_backward,
        ),
        (
            lambda: F.instance_norm(x, None, None, w, b),
            lambda a: ref.instance_norm_forward(a, None, None, w.detach().numpy(), b.detach().numpy()),
            ref.instance_norm_backward,
        ),
    ]
    for torch_fn, np_fwd, np_bwd in cases:
        grads = grads_of(torch_fn, [x, w, b], dy)
        y_np, cache = np_fwd(x.detach().numpy())
        np.testing.assert_allclose(y_np, torch_fn().detach().numpy(), rtol=1e-9, atol=1e-11)
        for got, want in zip(np_bwd(dy.numpy(), cache), grads):
            np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)
    ref.instance_norm_forward(x.detach().numpy(), rm, rv, momentum=0.3)
    F.instance_norm(x.detach(), t_rm, t_rv, momentum=0.3)
    np.testing.assert_allclose(rm, t_rm.numpy(), rtol=1e-9)
    np.testing.assert_allclose(rv, t_rv.numpy(), rtol=1e-9)
    lw, lb = leaf(3, 3, seed=3), leaf(3, 3, seed=4)
    grads = grads_of(lambda: F.layer_norm(x, (3, 3), lw, lb), [x, lw, lb], dy)
    y_np, cache = ref.layer_norm_forward(x.detach().numpy(), (3, 3), lw.detach().numpy(), lb.detach().numpy())
    for got, want in zip(ref.layer_norm_backward(dy.numpy(), cache), grads):
        np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("op", ["layer", "group", "instance"])
def test_layer_group_instance_backward_matches_centred_differences(op):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 4, 3))
    w, b, dy = rng.normal(size=4), rng.normal(size=4), rng.normal(size=(2, 4, 3))
    lw, lb = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    fwd, bwd, params = {
        "layer": (lambda: ref.layer_norm_forward(x, (4, 3), lw, lb), ref.layer_norm_backward, (lw, lb)),
        "group": (lambda: ref.group_norm_forward(x, 2, w, b), ref.group_norm_backward, (w, b)),
        "instance": (lambda: ref.instance_norm_forward(x, None, None, w, b), ref.instance_norm_backward, (w, b)),
    }[op]
    analytic = bwd(dy, fwd()[1])
    for got, wrt in zip(analytic, (x, *params)):
        numeric = numeric_gradient(lambda: float((fwd()[0] * dy).sum()), wrt)
        assert np.abs(got - numeric).max() / np.abs(numeric).max() < 1e-7


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (ref.batch_norm_forward, F.batch_norm),
        (ref.instance_norm_forward, F.instance_norm),
        (ref.layer_norm_forward, F.layer_norm),
        (ref.group_norm_forward, F.group_norm),
    ],
    ids=["batch_norm", "instance_norm", "layer_norm", "group_norm"],
)
def test_signatures_use_torchs_names_and_order(ours, theirs):
    """After the input (``x`` here, ``input`` in torch), the same parameters in the same order."""
    assert list(inspect.signature(ours).parameters)[1:] == list(inspect.signature(theirs).parameters)[1:]


def test_every_cache_has_the_same_keys():
    x = np.random.default_rng(0).normal(size=(4, 2, 3))
    caches = {
        "batch_norm": batch_norm_forward(x)[1],
        "layer_norm": ref.layer_norm_forward(x, 3)[1],
        "instance_norm": ref.instance_norm_forward(x)[1],
        "group_norm": ref.group_norm_forward(x, 2)[1],
    }
    keys = {"op", "x_hat", "inv_std", "weight", "axes", "batch_stats"}
    for op, cache in caches.items():
        assert keys <= set(cache) and set(cache) - keys <= {"num_groups"}, op
        assert cache["op"] == op and cache["x_hat"].shape == x.shape, op


ZERO_SIZE = [
    (
        "batch_norm",
        (0, 3),
        lambda x, rm, rv, w, b: ref.batch_norm_forward(x, rm, rv, w, b, True),
        lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, True),
        ref.batch_norm_backward,
    ),
    (
        "batch_norm",
        (0, 3, 5),
        lambda x, rm, rv, w, b: ref.batch_norm_forward(x, rm, rv, w, b, True),
        lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, True),
        ref.batch_norm_backward,
    ),
    (
        "batch_norm",
        (4, 3, 0),
        lambda x, rm, rv, w, b: ref.batch_norm_forward(x, rm, rv, w, b, True),
        lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, True),
        ref.batch_norm_backward,
    ),
    (
        "group_norm",
        (0, 3, 4),
        lambda x, rm, rv, w, b: ref.group_norm_forward(x, 3, w, b),
        lambda x, rm, rv, w, b: F.group_norm(x, 3, w, b),
        ref.group_norm_backward,
    ),
    (
        "group_norm",
        (2, 3, 0),
        lambda x, rm, rv, w, b: ref.group_norm_forward(x, 1, w, b),
        lambda x, rm, rv, w, b: F.group_norm(x, 1, w, b),
        ref.group_norm_backward,
    ),
    # torch's instance_norm fails on an empty batch with weight and bias (IndexError): compare without
    (
        "instance_norm",
        (0, 3, 4),
        lambda x, rm, rv, w, b: ref.instance_norm_forward(x, rm, rv, w, b),
        lambda x, rm, rv, w, b: F.instance_norm(x, rm, rv) * w.view(1, 3, 1) + b.view(1, 3, 1),
        ref.instance_norm_backward,
    ),
]


@pytest.mark.parametrize("op, shape, ours, theirs, backward", ZERO_SIZE, ids=[f"{c[0]}-{c[1]}" for c in ZERO_SIZE])
def test_a_zero_size_batch_gives_an_empty_result_as_in_torch(op, shape, ours, theirs, backward):
    x = np.zeros(shape)
    w, b = np.array([1.5, 0.5, 2.0]), np.array([0.1, 0.2, 0.3])
    rm, rv = np.array([0.5, -1.0, 2.0]), np.array([0.7, 1.3, 2.0])
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    t_rm, t_rv = torch.tensor(rm), torch.tensor(rv)
    yt = theirs(xt, t_rm, t_rv, wt, bt)
    yt.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "mean of empty slice" on the way
        y, cache = ours(x, rm, rv, w, b)
        dx, dw, db = backward(np.zeros(shape), cache)
    assert y.shape == tuple(yt.shape) and dx.shape == tuple(xt.grad.shape)
    np.testing.assert_array_equal(db, bt.grad.numpy())
    np.testing.assert_array_equal(dw, np.zeros(3))  # a sum over no values
    finite = np.isfinite(wt.grad.numpy())  # torch gives NaN for group_norm on (2, 3, 0)
    np.testing.assert_array_equal(dw[finite], wt.grad.numpy()[finite])
    np.testing.assert_array_equal(rm, [0.5, -1.0, 2.0])  # unchanged, as in torch's batch_norm
    np.testing.assert_array_equal(rv, [0.7, 1.3, 2.0])  # (torch's instance_norm writes NaN there)
    if op == "batch_norm":
        np.testing.assert_array_equal(rm, t_rm.numpy())
        np.testing.assert_array_equal(rv, t_rv.numpy())


def test_a_zero_size_batch_in_layer_norm_gives_an_empty_result():
    y, cache = ref.layer_norm_forward(np.zeros((0, 3)), 3)
    dx, dw, db = ref.layer_norm_backward(np.zeros((0, 3)), cache)
    assert y.shape == dx.shape == (0, 3) == tuple(F.layer_norm(torch.zeros(0, 3), (3,)).shape)
    np.testing.assert_array_equal(dw, np.zeros(3))
    np.testing.assert_array_equal(db, np.zeros(3))


def test_a_non_finite_training_batch_leaves_the_running_statistics_alone():
    x = np.random.default_rng(0).normal(size=(8, 2))
    x[3, 1] = np.nan
    rm, rv = np.zeros(2), np.ones(2)
    with pytest.raises(ValueError, match="batch_norm_forward: expected finite values"), np.errstate(invalid="ignore"):
        ref.batch_norm_forward(x, rm, rv)
    assert np.array_equal(rm, np.zeros(2)) and np.array_equal(rv, np.ones(2))


X = np.ones((4, 3)) + np.arange(4.0)[:, None]
X3 = np.random.default_rng(0).normal(size=(2, 4, 3))
RM, RV = np.zeros(3), np.ones(3)
BN_CACHE = batch_norm_forward(X)[1]
LN_CACHE = ref.layer_norm_forward(X, 3)[1]
IN_CACHE = ref.instance_norm_forward(X3)[1]
GN_CACHE = ref.group_norm_forward(X3, 2)[1]

BAD = [
    # batch_norm_forward
    (
        lambda: batch_norm_forward(np.ones((1, 3))),
        ValueError,
        "batch_norm_forward: expected more than 1 value per channel when training (got input of shape (1, 3))",
    ),
    (lambda: batch_norm_forward(np.ones(3)), ValueError, "batch_norm_forward: expected 2D or 3D or 4D x (got 1D"),
    (
        lambda: batch_norm_forward(np.ones((2, 3, 4, 5, 6))),
        ValueError,
        "batch_norm_forward: expected 2D or 3D or 4D x (got 5D",
    ),
    (
        lambda: batch_norm_forward(np.ones((4, 3), dtype=np.int64)),
        TypeError,
        "batch_norm_forward: expected x of a floating dtype (got int64)",
    ),
    (
        lambda: batch_norm_forward([[1.0, 2.0]]),
        TypeError,
        "batch_norm_forward: expected x to be a numpy.ndarray (got list)",
    ),
    (
        lambda: batch_norm_forward(X, weight=np.ones(2)),
        ValueError,
        "batch_norm_forward: expected weight of shape (3,), one value per channel (got shape (2,))",
    ),
    (
        lambda: batch_norm_forward(X, bias=np.ones((3, 1))),
        ValueError,
        "batch_norm_forward: expected bias of shape (3,)",
    ),
    (
        lambda: batch_norm_forward(X, weight=[1.0, 1.0, 1.0]),
        TypeError,
        "batch_norm_forward: expected weight to be a numpy.ndarray (got list)",
    ),
    (
        lambda: batch_norm_forward(X, eps=-1.0),
        ValueError,
        "batch_norm_forward: expected eps to be a finite number >= 0 (got -1.0)",
    ),
    (
        lambda: batch_norm_forward(X, eps="1e-5"),
        TypeError,
        "batch_norm_forward: expected eps to be a number (got str '1e-5')",
    ),
    (
        lambda: batch_norm_forward(X, RM.copy(), RV.copy(), momentum=1.5),
        ValueError,
        "batch_norm_forward: expected momentum in [0, 1] (got 1.5)",
    ),
    (
        lambda: batch_norm_forward(X, RM.copy(), RV.copy(), momentum="0.1"),
        TypeError,
        "batch_norm_forward: expected momentum to be a number (got str '0.1')",
    ),
    (
        lambda: batch_norm_forward(X, np.zeros(2), RV.copy()),
        ValueError,
        "batch_norm_forward: expected running_mean of shape (3,)",
    ),
    (
        lambda: batch_norm_forward(X, RM.copy()),
        ValueError,
        "batch_norm_forward: expected both running_mean and running_var, or neither (got running_var=None)",
    ),
    (
        lambda: batch_norm_forward(X, training=False),
        ValueError,
        "batch_norm_forward: expected running_mean and running_var when training=False (got None)",
    ),
    (
        lambda: batch_norm_forward(X, training="yes"),
        TypeError,
        "batch_norm_forward: expected training to be True or False (got str 'yes')",
    ),
    # batch_norm_backward: dy of exactly x's shape, and the right cache
    (
        lambda: batch_norm_backward(np.ones((1, 3)), BN_CACHE),
        ValueError,
        "batch_norm_backward: expected dy of the same shape as x, (4, 3) (got (1, 3))",
    ),
    (
        lambda: batch_norm_backward(np.ones((3, 4)), BN_CACHE),
        ValueError,
        "batch_norm_backward: expected dy of the same shape as x, (4, 3) (got (3, 4))",
    ),
    (
        lambda: batch_norm_backward(np.ones((4, 3)).tolist(), BN_CACHE),
        TypeError,
        "batch_norm_backward: expected dy to be a numpy.ndarray (got list)",
    ),
    (
        lambda: batch_norm_backward(np.ones((4, 3)), LN_CACHE),
        ValueError,
        "batch_norm_backward: expected the cache returned by batch_norm_forward (got the cache of 'layer_norm')",
    ),
    (
        lambda: batch_norm_backward(np.ones((4, 3)), (1, 2)),
        TypeError,
        "batch_norm_backward: expected cache to be the cache returned by batch_norm_forward (got tuple (1, 2))",
    ),
    # layer norm
    (
        lambda: ref.layer_norm_forward(X, 4),
        ValueError,
        "layer_norm_forward: expected input of shape (*, 4) (got (4, 3))",
    ),
    (
        lambda: ref.layer_norm_forward(X, "3"),
        TypeError,
        "layer_norm_forward: expected normalized_shape to be an int or a sequence of ints (got str '3')",
    ),
    (
        lambda: ref.layer_norm_forward(X, ()),
        ValueError,
        "layer_norm_forward: expected normalized_shape of at least one dimension (got ())",
    ),
    (
        lambda: ref.layer_norm_forward(X, 3, np.ones(4)),
        ValueError,
        "layer_norm_forward: expected weight of shape (3,), the normalized shape (got (4,))",
    ),
    (
        lambda: ref.layer_norm_backward(np.ones((1, 3)), LN_CACHE),
        ValueError,
        "layer_norm_backward: expected dy of the same shape as x, (4, 3) (got (1, 3))",
    ),
    # instance norm
    (lambda: ref.instance_norm_forward(X), ValueError, "instance_norm_forward: expected 3D or 4D or 5D x (got 2D"),
    (
        lambda: ref.instance_norm_forward(np.ones((2, 3, 1))),
        ValueError,
        "instance_norm_forward: expected more than 1 spatial element when training (got input of shape (2, 3, 1))",
    ),
    (
        lambda: ref.instance_norm_forward(X3, use_input_stats=False),
        ValueError,
        "instance_norm_forward: expected running_mean and running_var when use_input_stats=False (got None)",
    ),
    (
        lambda: ref.instance_norm_forward(X3, use_input_stats=1),
        TypeError,
        "instance_norm_forward: expected use_input_stats to be True or False (got int 1)",
    ),
    (
        lambda: ref.instance_norm_backward(np.ones((2, 4, 1)), IN_CACHE),
        ValueError,
        "instance_norm_backward: expected dy of the same shape as x, (2, 4, 3) (got (2, 4, 1))",
    ),
    # group norm
    (
        lambda: ref.group_norm_forward(X3, 3),
        ValueError,
        "group_norm_forward: expected num_groups to divide the number of channels 4 (got num_groups=3)",
    ),
    (
        lambda: ref.group_norm_forward(X3, 2.0),
        TypeError,
        "group_norm_forward: expected num_groups to be an int (got float 2.0)",
    ),
    (lambda: ref.group_norm_forward(X3, 0), ValueError, "group_norm_forward: expected num_groups >= 1 (got 0)"),
    (
        lambda: ref.group_norm_forward(np.ones((2, 4)), 4),
        ValueError,
        "group_norm_forward: expected more than 1 value per group (got input of shape (2, 4))",
    ),
    (
        lambda: ref.group_norm_backward(np.ones((2, 1, 3)), GN_CACHE),
        ValueError,
        "group_norm_backward: expected dy of the same shape as x, (2, 4, 3) (got (2, 1, 3))",
    ),
    (
        lambda: ref.group_norm_backward(np.ones((2, 4, 3)), IN_CACHE),
        ValueError,
        "group_norm_backward: expected the cache returned by group_norm_forward (got the cache of 'instance_norm')",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
