"""trainlab.nn normalization modules in place of torch.nn ones: same constructor, state_dict, train/eval behaviour."""

import numpy as np
import pytest
import torch
from torch import nn

import trainlab.nn as tnn
from conftest import bad_input_test

NORM_PAIRS = [
    (tnn.BatchNorm1d, nn.BatchNorm1d, (3,), {}, (8, 3)),
    (tnn.BatchNorm1d, nn.BatchNorm1d, (3,), {"momentum": None}, (8, 3, 5)),
    (tnn.BatchNorm1d, nn.BatchNorm1d, (3,), {"affine": False, "momentum": 0.3}, (8, 3)),
    (tnn.BatchNorm1d, nn.BatchNorm1d, (3,), {"bias": False}, (8, 3)),
    (tnn.BatchNorm1d, nn.BatchNorm1d, (3,), {"track_running_stats": False}, (8, 3)),
    (tnn.BatchNorm2d, nn.BatchNorm2d, (4,), {}, (5, 4, 3, 3)),
    (tnn.BatchNorm2d, nn.BatchNorm2d, (4,), {"momentum": None, "eps": 1e-3}, (5, 4, 3, 3)),
    (tnn.InstanceNorm2d, nn.InstanceNorm2d, (4,), {}, (5, 4, 3, 3)),
    (tnn.InstanceNorm2d, nn.InstanceNorm2d, (4,), {"affine": True, "track_running_stats": True}, (5, 4, 3, 3)),
    (tnn.InstanceNorm2d, nn.InstanceNorm2d, (4,), {"affine": True}, (4, 3, 3)),
    (tnn.LayerNorm, nn.LayerNorm, ((4, 3),), {}, (5, 2, 4, 3)),
    (tnn.LayerNorm, nn.LayerNorm, (6,), {"elementwise_affine": False}, (5, 6)),
    (tnn.LayerNorm, nn.LayerNorm, (6,), {"bias": False}, (5, 6)),
    (tnn.GroupNorm, nn.GroupNorm, (2, 4), {}, (5, 4, 3, 3)),
    (tnn.GroupNorm, nn.GroupNorm, (4, 4), {"affine": False}, (5, 4, 6)),
]
IDS = [f"{a[0].__name__}-{'-'.join(f'{k}={v}' for k, v in a[3].items()) or 'default'}-{len(a[4])}d" for a in NORM_PAIRS]


@pytest.fixture(autouse=True)
def _compare_in_float64(float64):
    yield


@pytest.mark.parametrize("ours_cls, theirs_cls, args, kwargs, shape", NORM_PAIRS, ids=IDS)
def test_module_trains_and_evaluates_like_torch(ours_cls, theirs_cls, args, kwargs, shape):
    ours, theirs = ours_cls(*args, **kwargs), theirs_cls(*args, **kwargs)
    assert repr(ours).split("(", 1)[1] == repr(theirs).split("(", 1)[1]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    with torch.no_grad():  # distinct affine parameters, the same in both
        for p in theirs.parameters():
            p.uniform_(0.5, 1.5)
    ours.load_state_dict(theirs.state_dict())
    g = torch.Generator().manual_seed(0)
    for step in range(4):  # several training steps: running statistics accumulate
        x = (torch.randn(shape, generator=g) * (step + 1) + step).requires_grad_(True)
        x2 = x.detach().clone().requires_grad_(True)
        y1, y2 = ours(x), theirs(x2)
        torch.testing.assert_close(y1, y2, msg=f"step {step}: output")
        dy = torch.randn(shape, generator=g)
        y1.backward(dy)
        y2.backward(dy)
        torch.testing.assert_close(x.grad, x2.grad, msg=f"step {step}: input gradient")
        for (name, p1), p2 in zip(ours.named_parameters(), theirs.parameters()):
            torch.testing.assert_close(p1.grad, p2.grad, msg=f"step {step}: grad of {name}")
    for (name, b1), b2 in zip(ours.named_buffers(), theirs.buffers()):
        torch.testing.assert_close(b1, b2, msg=f"buffer {name}")
    ours.eval()
    theirs.eval()
    x = torch.randn(shape, generator=g) * 3 - 1
    torch.testing.assert_close(ours(x), theirs(x), msg="evaluation mode")
    theirs.load_state_dict(ours.state_dict())  # and back


def test_sequential_with_trainlab_modules_loads_a_torch_state_dict():
    def build(lib):
        return nn.Sequential(
            nn.Linear(6, 8, bias=False), lib.BatchNorm1d(8), lib.ReLU(), lib.Dropout(0.2), nn.Linear(8, 3)
        )

    native, ours = build(nn), build(tnn)
    ours.load_state_dict(native.state_dict())
    native.eval()
    ours.eval()
    x = torch.randn(5, 6)
    torch.testing.assert_close(ours(x), native(x))


def test_mode_comes_from_the_training_flag_not_from_grad_mode():
    bn = tnn.BatchNorm1d(2)
    x = torch.randn(16, 2) * 4 + 3
    with torch.no_grad():  # still training: batch statistics, running stats updated
        y = bn(x)
    assert torch.allclose(y.mean(dim=0), torch.zeros(2), atol=1e-6)
    assert int(bn.num_batches_tracked) == 1
    bn.eval()  # evaluation with gradients on: running statistics, nothing updated
    y = bn(x.requires_grad_(True))
    assert not torch.allclose(y.mean(dim=0), torch.zeros(2), atol=1e-3)
    assert int(bn.num_batches_tracked) == 1


def test_a_refused_batch_is_not_counted():
    """momentum=None: a refused batch (NaN, or one value per channel) must not bump
    num_batches_tracked, or the next good batch would be averaged in with weight 1/2."""
    bn = tnn.BatchNorm1d(3, momentum=None)
    bad = torch.randn(8, 3)
    bad[2, 1] = float("nan")
    for batch in (bad, torch.randn(1, 3)):
        with pytest.raises(ValueError):
            bn(batch)
    assert int(bn.num_batches_tracked) == 0
    x = torch.randn(8, 3) * 2 + 5
    bn(x)
    assert int(bn.num_batches_tracked) == 1
    torch.testing.assert_close(bn.running_mean, x.mean(dim=0))  # weight 1: the first batch counted
    torch.testing.assert_close(bn.running_var, x.var(dim=0))


def test_momentum_none_is_a_cumulative_average_and_eval_changes_nothing():
    bn, native = tnn.BatchNorm1d(2, momentum=None), nn.BatchNorm1d(2, momentum=None)
    batches = [torch.randn(6, 2) * (i + 1) + i for i in range(3)]
    for x in batches:
        bn(x)
        native(x)
    torch.testing.assert_close(bn.running_mean, torch.stack([x.mean(0) for x in batches]).mean(0))
    bn.eval()
    bn(batches[0])
    assert int(bn.num_batches_tracked) == 3
    for b1, b2 in zip(bn.buffers(), native.buffers()):
        torch.testing.assert_close(b1, b2)


ZERO_SIZE = [
    (tnn.BatchNorm1d, nn.BatchNorm1d, (3,), {}, (0, 3)),
    (tnn.BatchNorm1d, nn.BatchNorm1d, (3,), {"momentum": None}, (0, 3, 4)),
    (tnn.BatchNorm2d, nn.BatchNorm2d, (3,), {}, (0, 3, 2, 2)),
    (tnn.GroupNorm, nn.GroupNorm, (3, 3), {}, (0, 3, 4)),
    (tnn.LayerNorm, nn.LayerNorm, (3,), {}, (0, 3)),
    (tnn.InstanceNorm2d, nn.InstanceNorm2d, (3,), {}, (0, 3, 2, 2)),
]


@pytest.mark.parametrize(
    "ours_cls, theirs_cls, args, kwargs, shape", ZERO_SIZE, ids=[f"{c[0].__name__}-{c[4]}" for c in ZERO_SIZE]
)
def test_a_zero_size_batch_gives_an_empty_result_as_in_torch(ours_cls, theirs_cls, args, kwargs, shape):
    """An empty output, unchanged running statistics (torch counts the batch in
    num_batches_tracked all the same, and so does trainlab, to keep the state_dicts equal)."""
    ours, theirs = ours_cls(*args, **kwargs), theirs_cls(*args, **kwargs)
    for m in (ours, theirs):
        x = torch.zeros(shape, requires_grad=True)
        y = m(x)
        y.sum().backward()
        assert y.shape == shape and x.grad.shape == shape
    for (name, b1), b2 in zip(ours.named_buffers(), theirs.buffers()):
        torch.testing.assert_close(b1, b2, msg=f"buffer {name}")
    for (name, p1), p2 in zip(ours.named_parameters(), theirs.parameters()):
        torch.testing.assert_close(p1.grad, p2.grad, msg=f"grad of {name}")


def test_group_norm_resets_its_parameters_like_torch():
    gn, native = tnn.GroupNorm(2, 4), nn.GroupNorm(2, 4)
    with torch.no_grad():
        for p in gn.parameters():
            p.uniform_(-3, 3)
    gn.reset_parameters()
    native.reset_parameters()
    for p1, p2 in zip(gn.parameters(), native.parameters()):
        assert torch.equal(p1, p2)


def test_module_arguments_are_kept_as_python_values():
    bn = tnn.BatchNorm1d(np.int64(3), eps=np.float32(1e-3), momentum=np.float64(0.2))
    assert type(bn.num_features) is int and type(bn.eps) is float and type(bn.momentum) is float
    assert repr(bn) == repr(nn.BatchNorm1d(3, eps=float(np.float32(1e-3)), momentum=0.2))


BAD = [
    # BatchNorm1d / BatchNorm2d
    (
        lambda: tnn.BatchNorm1d(3)(torch.randn(2, 3, 4, 5)),
        ValueError,
        "BatchNorm1d: expected 2D or 3D input (got 4D input",
    ),
    (lambda: tnn.BatchNorm2d(3)(torch.randn(2, 3)), ValueError, "BatchNorm2d: expected 4D input (got 2D input"),
    (lambda: tnn.BatchNorm2d(3)([[1.0]]), TypeError, "BatchNorm2d: expected input to be a torch.Tensor (got list)"),
    (
        lambda: tnn.BatchNorm1d(3)(torch.ones(4, 3, dtype=torch.int64)),
        TypeError,
        "BatchNorm1d: expected input of a floating dtype (got torch.int64)",
    ),
    (
        lambda: tnn.BatchNorm1d(3)(torch.randn(1, 3)),
        ValueError,
        "batch_norm: expected more than 1 value per channel when training",
    ),
    (
        lambda: tnn.BatchNorm1d(3)(torch.randn(4, 5)),
        ValueError,
        "BatchNorm1d: expected 3 channels in dimension 1 (got input of shape (4, 5))",
    ),
    (lambda: tnn.BatchNorm1d(0), ValueError, "BatchNorm1d: expected num_features >= 1 (got 0)"),
    (lambda: tnn.BatchNorm1d(3.0), TypeError, "BatchNorm1d: expected num_features to be an int (got float 3.0)"),
    (
        lambda: tnn.BatchNorm1d(3, momentum=1.2),
        ValueError,
        "BatchNorm1d: expected momentum in [0, 1] or None (got 1.2)",
    ),
    (
        lambda: tnn.BatchNorm1d(3, momentum="0.1"),
        TypeError,
        "BatchNorm1d: expected momentum to be a number (got str '0.1')",
    ),
    (lambda: tnn.BatchNorm1d(3, eps="1e-5"), TypeError, "BatchNorm1d: expected eps to be a number (got str '1e-5')"),
    (
        lambda: tnn.BatchNorm2d(3, eps=-1.0),
        ValueError,
        "BatchNorm2d: expected eps to be a finite number >= 0 (got -1.0)",
    ),
    (
        lambda: tnn.BatchNorm2d(3, affine="no"),
        TypeError,
        "BatchNorm2d: expected affine to be True or False (got str 'no')",
    ),
    (
        lambda: tnn.BatchNorm2d(3, track_running_stats=None),
        TypeError,
        "BatchNorm2d: expected track_running_stats to be True or False (got None)",
    ),
    # GroupNorm
    (
        lambda: tnn.GroupNorm(3, 4),
        ValueError,
        "GroupNorm: expected num_groups to divide num_channels=4 (got num_groups=3)",
    ),
    (lambda: tnn.GroupNorm(2.0, 4), TypeError, "GroupNorm: expected num_groups to be an int (got float 2.0)"),
    (lambda: tnn.GroupNorm(2, 0), ValueError, "GroupNorm: expected num_channels >= 1 (got 0)"),
    (lambda: tnn.GroupNorm(2, 4, eps="1e-5"), TypeError, "GroupNorm: expected eps to be a number (got str '1e-5')"),
    (
        lambda: tnn.GroupNorm(2, 4)(torch.randn(2, 6, 3)),
        ValueError,
        "GroupNorm: expected 4 channels in dimension 1 (got input of shape (2, 6, 3))",
    ),
    (
        lambda: tnn.GroupNorm(2, 4)(torch.randn(4)),
        ValueError,
        "GroupNorm: expected input of shape (N, C, *) (got 1D input of shape (4,))",
    ),
    # LayerNorm
    (lambda: tnn.LayerNorm((0,)), ValueError, "LayerNorm: expected normalized_shape of ints >= 1 (got (0,))"),
    (
        lambda: tnn.LayerNorm("3"),
        TypeError,
        "LayerNorm: expected normalized_shape to be an int or a sequence of ints (got str '3')",
    ),
    (lambda: tnn.LayerNorm(3, eps="1e-5"), TypeError, "LayerNorm: expected eps to be a number (got str '1e-5')"),
    (
        lambda: tnn.LayerNorm(3, elementwise_affine=1),
        TypeError,
        "LayerNorm: expected elementwise_affine to be True or False (got int 1)",
    ),
    (
        lambda: tnn.LayerNorm(3)(torch.randn(2, 4)),
        ValueError,
        "LayerNorm: expected input of shape (*, 3), the normalized_shape (got input of shape (2, 4))",
    ),
    # InstanceNorm2d
    (
        lambda: tnn.InstanceNorm2d(3)(torch.randn(2, 3)),
        ValueError,
        "InstanceNorm2d: expected 3D or 4D input (got 2D input of shape (2, 3))",
    ),
    (
        lambda: tnn.InstanceNorm2d(3)("image"),
        TypeError,
        "InstanceNorm2d: expected input to be a torch.Tensor (got str)",
    ),
    (
        lambda: tnn.InstanceNorm2d(3)(torch.randn(2, 4, 3, 3)),
        ValueError,
        "InstanceNorm2d: expected 3 channels in dimension 1 (got input of shape (2, 4, 3, 3))",
    ),
    (
        lambda: tnn.InstanceNorm2d(3, momentum=-0.5),
        ValueError,
        "InstanceNorm2d: expected momentum in [0, 1] or None (got -0.5)",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
