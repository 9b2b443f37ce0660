"""trainlab.nn modules in place of torch.nn ones: same constructor, state_dict, train/eval behaviour."""
import pytest
import torch
from torch import nn

import trainlab.nn as tnn

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
        return nn.Sequential(nn.Linear(6, 8, bias=False), lib.BatchNorm1d(8), lib.ReLU(), lib.Dropout(0.2), nn.Linear(8, 3))

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


def test_dropout_modules_follow_train_and_eval():
    x = torch.ones(4, 3, 5, 5)
    for cls in (tnn.Dropout, tnn.Dropout2d):
        m = cls(0.5, generator=torch.Generator().manual_seed(0))
        assert (m(x) == 0).any()
        m.eval()
        assert torch.equal(m(x), x)
        assert repr(m) == repr(getattr(nn, cls.__name__)(0.5))


ACTIVATION_PAIRS = [
    (tnn.Sigmoid(), nn.Sigmoid()), (tnn.Tanh(), nn.Tanh()), (tnn.ReLU(), nn.ReLU()),
    (tnn.LeakyReLU(0.1), nn.LeakyReLU(0.1)), (tnn.ELU(0.5), nn.ELU(0.5)), (tnn.ReLU6(), nn.ReLU6()),
    (tnn.SiLU(), nn.SiLU()), (tnn.Mish(), nn.Mish()), (tnn.GELU("tanh"), nn.GELU("tanh")),
    (tnn.Softplus(2.0, 10.0), nn.Softplus(2.0, 10.0)),
]


@pytest.mark.parametrize("ours, theirs", ACTIVATION_PAIRS, ids=[type(a).__name__ for a, _ in ACTIVATION_PAIRS])
def test_activation_modules_match_torch(ours, theirs):
    x = torch.randn(6, 7) * 4
    torch.testing.assert_close(ours(x), theirs(x))


BAD = [
    (lambda: tnn.BatchNorm1d(3)(torch.randn(2, 3, 4, 5)), ValueError, "BatchNorm1d: expected 2D or 3D input (got 4D input"),
    (lambda: tnn.BatchNorm2d(3)(torch.randn(2, 3)), ValueError, "BatchNorm2d: expected 4D input (got 2D input"),
    (lambda: tnn.BatchNorm1d(3)(torch.randn(1, 3)), ValueError, "expected more than 1 value per channel when training"),
    (lambda: tnn.BatchNorm1d(3)(torch.randn(4, 5)), ValueError, "BatchNorm1d: expected 3 channels in dimension 1 (got input of shape (4, 5))"),
    (lambda: tnn.BatchNorm1d(0), ValueError, "BatchNorm1d: expected num_features to be a positive int (got 0)"),
    (lambda: tnn.BatchNorm1d(3, momentum=1.2), ValueError, "BatchNorm1d: expected momentum in [0, 1] or None (got 1.2)"),
    (lambda: tnn.GroupNorm(3, 4), ValueError, "GroupNorm: expected num_groups to divide num_channels=4 (got num_groups=3)"),
    (lambda: tnn.LayerNorm((0,)), ValueError, "LayerNorm: expected normalized_shape of positive ints"),
    (lambda: tnn.InstanceNorm2d(3)(torch.randn(2, 3)), ValueError, "InstanceNorm2d: expected 3D or 4D input (got (2, 3))"),
    (lambda: tnn.Dropout(1.5), ValueError, "Dropout: expected p to be a probability between 0 and 1 (got 1.5)"),
    (lambda: tnn.Maxout(0), ValueError, "Maxout: expected pieces to be a positive int (got 0)"),
    (lambda: tnn.GELU("fast"), ValueError, "GELU: expected approximate to be 'none' or 'tanh' (got 'fast')"),
]


@pytest.mark.parametrize("call, error, message", BAD, ids=[m.split(":")[0] + f"-{i}" for i, (_, _, m) in enumerate(BAD)])
def test_bad_module_input_names_the_problem(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value), str(info.value)
