"""trainlab.parts.batchnorm.pitfalls: the deliberately wrong batch norm."""

import torch

from conftest import bad_input_test
from trainlab.models import mlp
from trainlab.parts.batchnorm import GradModeBatchNorm1d, with_grad_mode_batch_norm


def test_grad_mode_batch_norm_reproduces_the_bug_and_the_copy_keeps_the_weights():
    torch.manual_seed(0)
    net = mlp([4, 5, 2], norm="batch")
    net.train()
    net(torch.randn(32, 4) * 3 + 1)  # running statistics away from their start
    buggy = with_grad_mode_batch_norm(net).eval()
    assert isinstance(buggy[1], GradModeBatchNorm1d) and torch.equal(buggy[1].running_mean, net[1].running_mean)
    x = torch.randn(6, 4)
    net.eval()
    with torch.no_grad():
        assert torch.allclose(buggy(x), net(x))  # no gradients: running statistics, as it should
    assert not torch.allclose(buggy(x.requires_grad_(True)), net(x))  # gradients on: batch statistics despite eval()


BAD = [
    (
        lambda: with_grad_mode_batch_norm("model"),
        TypeError,
        "with_grad_mode_batch_norm: expected model to be a torch.nn.Module (got str 'model')",
    ),
    (
        lambda: with_grad_mode_batch_norm(torch.nn.Sequential),
        TypeError,
        "with_grad_mode_batch_norm: expected model to be a torch.nn.Module (got type",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
