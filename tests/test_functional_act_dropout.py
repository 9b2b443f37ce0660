"""Activations and dropout: trainlab.functional vs torch (float64), gradcheck, NumPy twins."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import trainlab.functional as F
from trainlab import numpy_ref as ref

# (trainlab function, torch reference, NumPy forward, kwargs)
ACTIVATIONS = [
    (F.sigmoid, torch.sigmoid, ref.sigmoid_forward, {}),
    (F.tanh, torch.tanh, ref.tanh_forward, {}),
    (F.relu, TF.relu, ref.relu_forward, {}),
    (F.leaky_relu, TF.leaky_relu, ref.leaky_relu_forward, {"negative_slope": 0.2}),
    (F.elu, TF.elu, ref.elu_forward, {"alpha": 1.5}),
    (F.relu6, TF.relu6, ref.relu6_forward, {}),
    (F.silu, TF.silu, ref.silu_forward, {}),
    (F.mish, TF.mish, ref.mish_forward, {}),
    (F.gelu, TF.gelu, ref.gelu_forward, {}),
    (F.gelu, TF.gelu, ref.gelu_forward, {"approximate": "tanh"}),
    (F.softplus, TF.softplus, ref.softplus_forward, {"beta": 2.0, "threshold": 5.0}),
]
IDS = [f"{a[0].__name__}{'-' + '-'.join(map(str, a[3].values())) if a[3] else ''}" for a in ACTIVATIONS]


def sample(seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(7, 9, generator=g, dtype=torch.float64) * 4
    x[0, :5] = torch.tensor([0.0, 6.0, -0.0, 1e-3, 30.0], dtype=torch.float64)  # kinks and the softplus threshold
    return x.requires_grad_(True)


@pytest.mark.parametrize("ours, theirs, numpy_fwd, kwargs", ACTIVATIONS, ids=IDS)
def test_activation_and_its_derivative_match_torch_and_numpy(ours, theirs, numpy_fwd, kwargs):
    x = sample()
    dy = torch.randn_like(x)
    y1 = ours(x, **kwargs)
    (g1,) = torch.autograd.grad(y1, x, dy)
    y2 = theirs(x, **kwargs)
    (g2,) = torch.autograd.grad(y2, x, dy)
    torch.testing.assert_close(y1, y2, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(g1, g2, rtol=1e-12, atol=1e-12)
    y_np, cache = numpy_fwd(x.detach().numpy(), **kwargs)
    np.testing.assert_allclose(y_np, y2.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ref.activation_backward(dy.numpy(), cache), g2.numpy(), rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("ours, theirs, numpy_fwd, kwargs", ACTIVATIONS, ids=IDS)
def test_gradcheck_every_activation(ours, theirs, numpy_fwd, kwargs):
    x = (torch.randn(4, 5, dtype=torch.float64) * 3 + 0.37).requires_grad_(True)  # away from the kinks
    assert torch.autograd.gradcheck(lambda t: ours(t, **kwargs), (x,))


def test_swish_beta_and_its_derivative():
    x = sample()
    y = F.silu(x, beta=1.7)
    torch.testing.assert_close(y, x * torch.sigmoid(1.7 * x))
    assert torch.autograd.gradcheck(lambda t: F.silu(t, beta=1.7), (torch.randn(5, dtype=torch.float64, requires_grad=True),))


def test_maxout_takes_the_max_of_consecutive_pieces_and_routes_the_gradient_to_it():
    x = torch.randn(3, 8, 2, dtype=torch.float64, requires_grad=True)
    y = F.maxout(x, 4)
    torch.testing.assert_close(y, x.view(3, 2, 4, 2).amax(dim=2))
    assert torch.autograd.gradcheck(lambda t: F.maxout(t, 4), (x,))
    y_np, cache = ref.maxout_forward(x.detach().numpy(), 4)
    np.testing.assert_allclose(y_np, y.detach().numpy())
    dy = torch.randn_like(y)
    (g,) = torch.autograd.grad(y, x, dy)
    np.testing.assert_allclose(ref.maxout_backward(dy.numpy(), cache), g.numpy())


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
    zeroed = (a == 0).flatten(2).all(dim=2)          # whole channels are zero or none of it is
    kept = (a != 0).flatten(2).all(dim=2)
    assert torch.equal(zeroed | kept, torch.ones_like(zeroed)) and zeroed.any() and kept.any()
    y, cache = ref.dropout2d_forward(x.numpy(), 0.5, seed=3)
    assert cache["mask"].shape == (4, 6, 1, 1)
    np.testing.assert_allclose(ref.dropout2d_backward(np.ones_like(y), cache), np.broadcast_to(cache["mask"], y.shape))
    y2, _ = ref.dropout2d_forward(x.numpy(), 0.5, seed=3)
    np.testing.assert_array_equal(y, y2)


def test_gradcheck_dropout_with_a_fixed_mask():
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: F.dropout(t, 0.5, generator=torch.Generator().manual_seed(0)), (x,))


BAD = [
    (lambda: F.dropout(torch.randn(3), p=1.5), ValueError, "dropout: expected p to be a probability between 0 and 1 (got 1.5)"),
    (lambda: F.dropout(torch.randn(3), p=-0.1), ValueError, "dropout: expected p to be a probability between 0 and 1 (got -0.1)"),
    (lambda: F.dropout2d(torch.randn(3, 4), p=0.5), ValueError, "dropout2d: expected 3D or 4D input (got 2D"),
    (lambda: ref.dropout_forward(np.ones(3), p=2), ValueError, "dropout_forward: expected p to be a probability"),
    (lambda: F.relu([1.0, -1.0]), TypeError, "relu: expected input to be a torch.Tensor (got list)"),
    (lambda: F.sigmoid(torch.tensor([1, 2])), TypeError, "sigmoid: expected input of a floating dtype (got torch.int64)"),
    (lambda: F.gelu(torch.randn(3), approximate="erf"), ValueError, "gelu: expected approximate to be 'none' or 'tanh' (got 'erf')"),
    (lambda: F.softplus(torch.randn(3), beta=0), ValueError, "softplus: expected beta > 0 (got 0)"),
    (lambda: F.maxout(torch.randn(2, 5), 2), ValueError, "maxout: expected input of shape (N, C * 2, *) (got (2, 5))"),
    (lambda: F.maxout(torch.randn(2, 4), 0), ValueError, "maxout: expected pieces >= 1 (got 0)"),
    (lambda: ref.gelu_forward(np.ones(2), approximate="fast"), ValueError, "gelu_forward: expected approximate to be 'none' or 'tanh'"),
]


@pytest.mark.parametrize("call, error, message", BAD, ids=[m.split(":")[0] + f"-{i}" for i, (_, _, m) in enumerate(BAD)])
def test_bad_input_names_the_problem(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value), str(info.value)
