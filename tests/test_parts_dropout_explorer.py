"""trainlab.parts.dropout.explorer: the data behind the figure, the static figure and the widget."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from conftest import bad_input_test
from trainlab.parts.dropout import explorer as E


def test_explorer_data_mask_and_activations():
    d = E.explorer_data(p=0.5, width=8, epochs=1)
    assert d["mask"].shape == (16, 8)
    assert 0 < d["mask"].mean() < 1
    assert (d["train_activations"] == 0).mean() > (d["eval_activations"] == 0).mean()
    assert 0 <= d["test_acc"] <= 1 and 0 <= d["train_acc"] <= 1


def test_without_dropout_train_and_eval_activations_agree():
    d = E.explorer_data(p=0.0, width=8, epochs=1)
    assert np.allclose(d["train_activations"], d["eval_activations"])
    assert d["mask"].all()


def test_plot_and_widget():
    assert len(E.plot_dropout_explorer(0.2, 16, epochs=1).axes) == 3
    pytest.importorskip("ipywidgets")
    box = E.dropout_explorer(epochs=1)
    assert sum(1 for c in box.children if getattr(c, "options", None)) == 2


BAD = [
    (lambda: E.explorer_data(p=1.0), ValueError, "explorer_data: expected p"),
    (lambda: E.explorer_data(width=0), ValueError, "explorer_data: expected width >= 1"),
    (lambda: E.plot_dropout_explorer(width=2.5), TypeError, "plot_dropout_explorer: expected width to be an int"),
    (lambda: E.dropout_explorer(epochs=0), ValueError, "dropout_explorer: expected epochs >= 1"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
