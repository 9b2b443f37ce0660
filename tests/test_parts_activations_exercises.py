"""trainlab.parts.activations.exercises: the checkers accept right answers, reject the usual
wrong ones with a hint, and never crash on the reader's code."""

import numpy as np
import torch

from conftest import bad_input_test
from trainlab.i18n import set_language
from trainlab.parts.activations.basics import compose_affine
from trainlab.parts.activations.exercises import check_composed_affine, check_derivative


def right(weights, biases):
    # independent of the checker's loop: through trainlab's torch version
    layers = []
    for W, b in zip(weights, biases):
        layer = torch.nn.Linear(W.shape[1], W.shape[0]).double()
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b))
        layers.append(layer)
    W, b = compose_affine(layers)
    return W.numpy(), b.numpy()


def reversed_order(weights, biases):
    W = weights[0]
    for Wk in weights[1:]:
        W = W @ Wk
    return W, right(weights, biases)[1]


def summed_biases(weights, biases):
    return right(weights, biases)[0], sum(biases)


def test_composition_checker_accepts_numpy_and_torch_answers(capsys):
    assert check_composed_affine(right)
    assert "✓" in capsys.readouterr().out
    result = check_composed_affine(lambda w, b: tuple(torch.from_numpy(a) for a in right(w, b)), verbose=False)
    assert result and "✓" in str(result)


def test_composition_checker_names_the_usual_slips():
    set_language("en")
    result = check_composed_affine(reversed_order, verbose=False)
    assert not result and "rightmost" in str(result)
    result = check_composed_affine(summed_biases, verbose=False)
    assert not result and "each bias passes through" in str(result)
    result = check_composed_affine(lambda w, b: 1 / 0, verbose=False)
    assert not result and "ZeroDivisionError" in str(result)
    assert not check_composed_affine(lambda w, b: w[0], verbose=False)


def test_derivative_checker_against_finite_differences():
    from trainlab import registry

    for name in ("tanh", "sigmoid", "softplus", "elu"):
        f = lambda x, n=name: registry.ACTIVATIONS[n].numpy_forward(x)[0]  # noqa: E731
        numeric = lambda x, f=f: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6  # noqa: E731
        assert check_derivative(lambda x, d=numeric: d(x), name, verbose=False), name
    wrong = check_derivative(lambda x: 1 / (1 + np.exp(x)), "softplus", verbose=False)
    assert not wrong and "eˣ/(1 + eˣ)" in str(wrong)
    set_language("cs")
    try:
        wrong = check_derivative(lambda x: 1 - np.tanh(x), "tanh", verbose=False)
        assert not wrong and "je špatně v bodě x = -8" in str(wrong)
    finally:
        set_language("en")
    assert not check_derivative(lambda x: x[:3], "tanh", verbose=False)


BAD = [
    (lambda: check_composed_affine("f"), TypeError, "check_composed_affine: expected fn to be a function (got str)"),
    (lambda: check_derivative(np.tanh, "swish"), ValueError, "check_derivative: expected name to be one of 'sigmoid'"),
    (
        lambda: check_derivative("f", "tanh"),
        TypeError,
        "check_derivative: expected fn to be a function (got str)",
    ),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
