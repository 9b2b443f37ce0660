"""A deliberately wrong batch norm (mode picked from grad mode), kept so lessons can show the bug live.

Nothing in this module is for use in a model: each class documents the mistake it makes.
"""

from __future__ import annotations

import torch
from torch import nn

from ..._checks import check_type


class GradModeBatchNorm1d(nn.BatchNorm1d):
    """**Wrong:** a batch norm that decides between batch and running statistics from
    ``torch.is_grad_enabled()`` instead of from its ``training`` flag (the shortcut some
    from-scratch tutorials take).

    Consequences: after ``model.eval()`` it still normalizes with the *batch* statistics
    whenever gradients are on (e.g. computing input gradients or adversarial examples at
    test time), so one example's output depends on the rest of the batch and running
    statistics keep changing; under ``torch.no_grad()`` in training mode it silently uses
    the running statistics.  Compare :class:`trainlab.nn.BatchNorm1d`, which reads
    ``self.training`` as ``torch.nn.BatchNorm1d`` does.
    """

    def forward(self, input):
        use_batch_stats = torch.is_grad_enabled()  # the bug: should be self.training
        if use_batch_stats:
            self.num_batches_tracked.add_(1)
        return nn.functional.batch_norm(
            input,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            use_batch_stats,
            self.momentum if use_batch_stats else 0.0,
            self.eps,
        )


def with_grad_mode_batch_norm(model: nn.Module) -> nn.Module:
    """A deep copy of ``model`` whose ``BatchNorm1d`` layers are replaced by
    :class:`GradModeBatchNorm1d` with the same parameters and running statistics."""
    import copy

    check_type(model, "with_grad_mode_batch_norm", "model", nn.Module, "a torch.nn.Module")
    buggy = copy.deepcopy(model)
    for parent in buggy.modules():
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.BatchNorm1d) and not isinstance(child, GradModeBatchNorm1d):
                replacement = GradModeBatchNorm1d(child.num_features, child.eps, child.momentum)
                replacement.load_state_dict(child.state_dict())
                replacement.train(child.training)
                setattr(parent, name, replacement)
    return buggy
