"""A minimal, seeded training loop with a progress bar and a metrics history."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import torch
from torch import nn

from ._checks import check_int, check_number, check_tensor, check_type, got
from .data import Split, check_labels


def progress_enabled() -> bool:
    """Show progress bars unless ``TRAINLAB_PROGRESS=0`` (set by ``make`` when it executes
    or tests notebooks, since a bar's timings would differ on every run)."""
    return os.environ.get("TRAINLAB_PROGRESS", "1") != "0"


@dataclass
class History:
    """Per-epoch metrics of one training run (lists of floats, one entry per epoch)."""

    train_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)


def _check_loop_args(func, lr, batch_size, seed, **counts):
    """The checks :func:`train` and :func:`train_steps` share; ``counts`` must be integers >= 1."""
    for arg, value in counts.items():
        check_int(value, func, arg, minimum=1)
    check_int(batch_size, func, "batch_size", minimum=2)
    check_number(lr, func, "lr", low=0.0, low_open=True)
    check_int(seed, func, "seed")


def _first_linear(model: nn.Module):
    """The model's first layer with parameters, if it is an ``nn.Linear`` (else ``None``)."""
    for module in model.modules():
        if next(module.parameters(recurse=False), None) is not None:
            return module if isinstance(module, nn.Linear) else None
    return None


def _check_features(model, features: int, func: str, what: str) -> None:
    """The model's first ``nn.Linear`` must take ``features`` inputs."""
    first = _first_linear(model)
    if first is not None and first.in_features != features:
        raise ValueError(
            f"{func}: expected {what} with {first.in_features} features per example, as the model's "
            f"first layer {first} expects (got {features} features)"
        )


def _check_model_and_data(func, model, data) -> None:
    check_type(model, func, "model", nn.Module, "a torch.nn.Module")
    if not isinstance(data, Split):
        raise TypeError(
            f"{func}: expected data to be a trainlab.data.Split (got {got(data)}); load one with "
            f"load_digits() or load_mnist(), or make one from tensors with "
            f"trainlab.data.Split(x_train, y_train, x_test, y_test)"
        )
    _check_features(model, data.num_features, func, "data")


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on ``(x, y)``, in evaluation mode.

    The model's train/eval mode is restored afterwards.

    Args:
        model: network mapping ``(N, D)`` inputs to ``(N, classes)`` logits.
        x: floating ``torch.Tensor`` of inputs, one row per example.
        y: ``torch.Tensor`` of int64 class labels, one per example (``y.long()`` converts).
    """
    check_type(model, "evaluate", "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, "evaluate", "x")
    check_labels(y, "evaluate", "y")
    if x.dim() == 0 or len(x) != len(y):
        raise ValueError(
            f"evaluate: expected one label in y per example of x, {len(x) if x.dim() else 0} (got {len(y)})"
        )
    if x.dim() == 2:
        _check_features(model, x.shape[1], "evaluate", "x")
    was_training = model.training
    model.eval()
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, y).item()
    acc = (logits.argmax(dim=1) == y).float().mean().item()
    model.train(was_training)
    return loss, acc


def train(
    model: nn.Module,
    data: Split,
    epochs: int = 10,
    lr: float = 0.1,
    batch_size: int = 64,
    seed: int = 0,
) -> History:
    """Train ``model`` with mini-batch SGD on cross-entropy; return its :class:`History`.

    Each epoch shuffles the training set with a ``torch.Generator`` seeded from
    ``seed`` (the same seed gives the same batches, whatever else the notebook did),
    takes SGD steps of size ``lr`` on mini-batches of ``batch_size`` (the last,
    smaller batch included), then records the mean training loss of the epoch and
    the test loss and accuracy in evaluation mode.

    Args:
        model: network mapping ``(N, D)`` inputs to ``(N, classes)`` logits.
        data: a :class:`~trainlab.data.Split`.
        epochs: passes over the training set, >= 1. Default: ``10``.
        lr: learning rate, > 0. Default: ``0.1``.
        batch_size: examples per step, >= 2 (batch norm needs two). Default: ``64``.
        seed: seed of the shuffling. Default: ``0``.
    """
    _check_model_and_data("train", model, data)
    _check_loop_args("train", lr, batch_size, seed, epochs=epochs)
    from tqdm.auto import tqdm

    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    n = len(data.x_train)
    hist = History()
    for _ in tqdm(range(epochs), desc=type(model).__name__, disable=not progress_enabled(), leave=False):
        model.train()
        order = torch.randperm(n, generator=gen)
        total, seen = 0.0, 0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            if len(idx) < 2:  # a batch of one has no batch variance
                continue
            loss = nn.functional.cross_entropy(model(data.x_train[idx]), data.y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            seen += len(idx)
        hist.train_loss.append(total / seen)
        test_loss, test_acc = evaluate(model, data.x_test, data.y_test)
        hist.test_loss.append(test_loss)
        hist.test_acc.append(test_acc)
    return hist


@dataclass
class StepHistory:
    """Measurements every ``eval_every`` steps: ``steps``, ``test_acc``, ``train_loss`` (the
    mean of the training mini-batch losses over the ``eval_every`` steps that end at that
    measurement, in training mode: the quantity SGD is minimizing) and, if a probe was given,
    ``probes`` (one value of the probe per measurement)."""

    steps: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    probes: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)


def train_steps(
    model: nn.Module,
    data: Split,
    steps: int,
    lr: float = 0.1,
    batch_size: int = 60,
    eval_every: int = 100,
    seed: int = 0,
    probe=None,
) -> StepHistory:
    r"""Plain SGD for a number of *steps* (mini-batches drawn at random with replacement of
    batches, as in the paper's step-counted experiments), measuring test accuracy in
    evaluation mode every ``eval_every`` steps and calling ``probe(model)`` then too.  The
    training loss of each interval, :math:`\frac{1}{\text{eval\_every}}\sum_t L_t` over its
    steps :math:`t`, is recorded as ``train_loss`` (read from the losses SGD computes anyway,
    so recording it changes nothing else).

    Args:
        model: network mapping ``(N, D)`` inputs to logits.
        data: a :class:`~trainlab.data.Split`.
        steps: number of SGD steps, >= 1.
        lr: learning rate, > 0. Default: ``0.1``.
        batch_size: examples per step, >= 2. Default: ``60`` (Ioffe & Szegedy, 2015, Sec. 4.1).
        eval_every: steps between measurements, in [1, steps]. Default: ``100``.
        seed: seed of the batch sampling. Default: ``0``.
        probe: ``None`` or a function of the model, called (in evaluation mode, without
            gradients) at every measurement; its results go to ``probes``. Default: ``None``.
    """
    _check_model_and_data("train_steps", model, data)
    _check_loop_args("train_steps", lr, batch_size, seed, steps=steps, eval_every=eval_every)
    if eval_every > steps:
        raise ValueError(
            f"train_steps: expected eval_every <= steps, {steps}, so that at least one measurement "
            f"is taken (got {eval_every})"
        )
    if probe is not None and not callable(probe):
        raise TypeError(f"train_steps: expected probe to be None or a function of the model (got {got(probe)})")
    from tqdm.auto import tqdm

    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    n = len(data.x_train)
    hist = StepHistory()
    interval_loss = 0.0
    for step in tqdm(range(1, steps + 1), desc=type(model).__name__, disable=not progress_enabled(), leave=False):
        model.train()
        idx = torch.randint(0, n, (batch_size,), generator=gen)
        loss = nn.functional.cross_entropy(model(data.x_train[idx]), data.y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        interval_loss += loss.item()
        if step % eval_every == 0:
            hist.steps.append(step)
            hist.train_loss.append(interval_loss / eval_every)
            interval_loss = 0.0
            hist.test_acc.append(evaluate(model, data.x_test, data.y_test)[1])
            if probe is not None:
                model.eval()
                with torch.no_grad():
                    hist.probes.append(probe(model))
    model.train()
    return hist


def settings_that_train(values, accuracies, threshold: float = 0.9) -> list:
    """The swept ``values`` whose run reached a test accuracy of at least ``threshold``, in order.

    A sweep's claim ("BN trains at learning rates ten times higher") is read off this list
    rather than typed into the lesson.

    Args:
        values: the hyperparameter values of the sweep.
        accuracies: one test accuracy per value, a fraction in [0, 1] (not a percentage).
        threshold: the accuracy that counts as "trains", in [0, 1]. Default: ``0.9``.

    Example:
        >>> settings_that_train([0.1, 1.0, 10.0], [0.95, 0.93, 0.10])
        [0.1, 1.0]
    """
    for arg, seq in (("values", values), ("accuracies", accuracies)):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__iter__"):
            raise TypeError(f"settings_that_train: expected {arg} to be a list of numbers (got {got(seq)})")
    values, accuracies = list(values), list(accuracies)
    if len(values) != len(accuracies):
        raise ValueError(
            f"settings_that_train: expected one accuracy per value (got {len(accuracies)} accuracies for {len(values)} values)"
        )
    percent = ", a fraction (for percentages, divide by 100)"
    check_number(threshold, "settings_that_train", "threshold", 0.0, 1.0, hint=percent)
    for i, a in enumerate(accuracies):
        check_number(a, "settings_that_train", f"accuracies[{i}]", 0.0, 1.0, hint=percent)
    return [v for v, a in zip(values, accuracies) if a >= threshold]
