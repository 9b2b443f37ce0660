"""trainlab.parts.batchnorm.backward_graph: the computational graph of batch normalization."""

import matplotlib

matplotlib.use("Agg")

import pytest

import trainlab
from conftest import bad_input_test
from trainlab.parts.batchnorm.backward_graph import EDGES, NODES, plot_bn_graph


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [
        t.get_text() for ax in fig.axes for t in (ax.get_legend().get_texts() if ax.get_legend() else [])
    ]


def test_the_graph_has_the_three_paths_from_x_to_x_hat_and_every_node():
    paths = {path for _start, _end, path in EDGES if path}
    assert paths == {"direct", "mean", "variance"}
    assert {n for edge in EDGES for n in edge[:2]} == set(NODES)
    shown = texts(plot_bn_graph())
    for name in ("input", "batch mean", "batch variance", "direct path", "path through the mean"):
        assert name in shown
    assert r"$\frac{1}{m}$" in shown  # the local derivative of mu with respect to x_i


def test_without_gradients_the_edges_carry_no_labels():
    bare = texts(plot_bn_graph(show_gradients=False))
    assert r"$\frac{1}{m}$" not in bare and r"$\gamma$" in bare  # gamma is still a node


@pytest.mark.parametrize("lang, word", [("vi", "trung bình của batch"), ("cs", "průměr dávky")])
def test_labels_are_in_the_lessons_language(lang, word):
    trainlab.set_language(lang)
    shown = texts(plot_bn_graph())
    assert word in shown and "batch mean" not in shown


BAD = [
    (lambda: plot_bn_graph(show_gradients="yes"), TypeError, "plot_bn_graph: expected show_gradients"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
