"""trainlab.numpy_ref batch norm against torch.nn.functional (float64) and finite differences."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from trainlab.gradcheck import numeric_gradient
from trainlab.numpy_ref import batch_norm_backward, batch_norm_forward

SHAPES = [(7, 3), (5, 4, 6), (4, 3, 5, 2)]


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

    y, cache = batch_norm_forward(x, gamma, beta, rm, rv, training=training, momentum=0.1, eps=1e-5)
    got = (y, *batch_norm_backward(dy, cache), rm, rv)

    for name, g, w in zip(["y", "dx", "dgamma", "dbeta", "running_mean", "running_var"], got, want):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-11, err_msg=name)


@pytest.mark.parametrize("shape", SHAPES)
def test_backward_matches_centred_differences(shape):
    rng = np.random.default_rng(2)
    x = rng.normal(size=shape)
    gamma, beta = rng.normal(size=shape[1]), rng.normal(size=shape[1])
    dy = rng.normal(size=shape)

    def loss():
        return float((batch_norm_forward(x, gamma, beta)[0] * dy).sum())

    dx, dgamma, dbeta = batch_norm_backward(dy, batch_norm_forward(x, gamma, beta)[1])
    for name, analytic, wrt in [("dx", dx, x), ("dgamma", dgamma, gamma), ("dbeta", dbeta, beta)]:
        numeric = numeric_gradient(loss, wrt)
        rel = np.abs(analytic - numeric).max() / max(1e-8, np.abs(numeric).max())
        assert rel < 1e-7, f"{name}: relative error {rel:.2e}"


def test_normalizes_each_channel_to_zero_mean_unit_variance():
    x = np.random.default_rng(3).normal(loc=[5.0, -2.0], scale=[3.0, 0.1], size=(500, 2))
    y, _ = batch_norm_forward(x, eps=0.0)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1.0, rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(x=np.ones((1, 3))), ValueError, "expected more than 1 value per channel when training"),
        (dict(x=np.ones(3)), ValueError, "expected 2D or 3D or 4D x (got 1D"),
        (dict(x=np.ones((2, 3, 4, 5, 6))), ValueError, "(got 5D"),
        (dict(x=np.ones((4, 3), dtype=np.int64)), TypeError, "floating dtype (got int64)"),
        (dict(x=[[1.0, 2.0]]), TypeError, "numpy.ndarray (got list)"),
        (dict(x=np.ones((4, 3)), gamma=np.ones(2)), ValueError, "gamma of shape (3,)"),
        (dict(x=np.ones((4, 3)), beta=np.ones((3, 1))), ValueError, "beta of shape (3,)"),
        (dict(x=np.ones((4, 3)), eps=-1.0), ValueError, "eps to be a finite number >= 0"),
        (dict(x=np.ones((4, 3)), running_mean=np.zeros(3), running_var=np.ones(3), momentum=1.5), ValueError, "momentum in [0, 1]"),
        (dict(x=np.ones((4, 3)), running_mean=np.zeros(2), running_var=np.ones(3)), ValueError, "running_mean of shape (3,)"),
        (dict(x=np.ones((4, 3)), running_mean=np.zeros(3)), ValueError, "both running_mean and running_var"),
        (dict(x=np.ones((4, 3)), training=False), ValueError, "running_mean and running_var in evaluation mode"),
    ],
)
def test_bad_input_is_reported_with_what_was_expected(kwargs, error, message):
    with pytest.raises(error) as info:
        batch_norm_forward(**kwargs)
    assert str(info.value).startswith("batch_norm_forward: expected")
    assert message in str(info.value)


def test_backward_rejects_a_gradient_of_the_wrong_shape():
    _, cache = batch_norm_forward(np.ones((4, 3)) + np.arange(4)[:, None])
    with pytest.raises(ValueError, match=r"expected dy of shape \(4, 3\) \(got \(3, 4\)\)"):
        batch_norm_backward(np.ones((3, 4)), cache)
