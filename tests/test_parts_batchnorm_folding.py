"""trainlab.parts.batchnorm.folding: an evaluation-mode batch norm folded into the linear layer before it."""

import pytest
import torch
from torch import nn

import trainlab.nn as tnn
from conftest import bad_input_test
from trainlab.parts.batchnorm.folding import fold_batch_norm


def _trained_pair(bn_class, linear_bias, affine=True):
    torch.manual_seed(0)
    linear = nn.Linear(5, 4, bias=linear_bias).double()
    bn = bn_class(4, affine=affine).double()
    bn.train()
    for _ in range(20):  # running statistics away from (0, 1)
        bn(linear(3 * torch.randn(16, 5, dtype=torch.float64) + 1))
    if affine:
        with torch.no_grad():
            bn.weight.uniform_(0.5, 2.0)
            bn.bias.uniform_(-1.0, 1.0)
    return linear, bn.eval()


@pytest.mark.parametrize("bn_class", [nn.BatchNorm1d, tnn.BatchNorm1d])
@pytest.mark.parametrize("linear_bias", [False, True])
@pytest.mark.parametrize("affine", [False, True])
def test_folded_layer_matches_the_unfused_pair_in_evaluation_mode(bn_class, linear_bias, affine):
    linear, bn = _trained_pair(bn_class, linear_bias, affine)
    fused = fold_batch_norm(linear, bn)
    x = torch.randn(7, 5, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(fused(x), bn(linear(x)), atol=1e-12)
    assert isinstance(fused, nn.Linear) and fused.bias is not None and fused.weight.dtype == torch.float64
    assert bn.running_mean.abs().sum() > 0  # the statistics are really used, not (0, 1)


def test_folding_leaves_the_inputs_untouched():
    linear, bn = _trained_pair(nn.BatchNorm1d, True)
    before = [t.clone() for t in (linear.weight, linear.bias, bn.running_mean, bn.running_var)]
    fold_batch_norm(linear, bn)
    after = (linear.weight, linear.bias, bn.running_mean, bn.running_var)
    assert all(torch.equal(a, b) for a, b in zip(before, after))


BAD = [
    (
        lambda: fold_batch_norm("linear", nn.BatchNorm1d(4)),
        TypeError,
        "fold_batch_norm: expected linear to be a torch.nn.Linear (got str 'linear')",
    ),
    (
        lambda: fold_batch_norm(nn.Linear(3, 4), nn.BatchNorm2d(4)),
        TypeError,
        "fold_batch_norm: expected bn to be a BatchNorm1d (got BatchNorm2d",
    ),
    (
        lambda: fold_batch_norm(nn.Linear(3, 4), nn.BatchNorm1d(5)),
        ValueError,
        "fold_batch_norm: expected bn.num_features == linear.out_features (got 5 and 4)",
    ),
    (
        lambda: fold_batch_norm(nn.Linear(3, 4), nn.BatchNorm1d(4, track_running_stats=False)),
        ValueError,
        "fold_batch_norm: expected bn to track running statistics (got track_running_stats=False)",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
