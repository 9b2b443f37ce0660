"""trainlab.figures: the figures shared by the course parts."""

import matplotlib

matplotlib.use("Agg")

import pytest

import trainlab
from conftest import LANGS, bad_input_test
from trainlab import i18n
from trainlab.figures import plot_histories, plot_sweep
from trainlab.training import History


@pytest.mark.parametrize("lang", LANGS)
def test_plots_draw_their_labels_in_the_lesson_language(lang):
    trainlab.set_language(lang)
    h = History(train_loss=[2.0, 1.0], test_loss=[2.0, 1.0], test_acc=[0.5, 0.9])
    fig = plot_histories({"with BN": h})
    texts = {fig.axes[0].get_title(), fig.axes[0].get_xlabel(), fig.axes[0].get_legend().get_texts()[0].get_text()}
    assert texts == {i18n.catalog(lang)[m] for m in ("Training loss", "epoch", "with BN")}


def test_plot_input_checks():
    with pytest.raises(ValueError, match="plot_histories: expected at least one"):
        plot_histories({})


def test_sweep_plots_check_their_input():
    assert (
        plot_sweep([0.1, 1.0], {"with BN": [0.9, 0.8]}, "learning rate", "Learning rate sweep").axes[0].get_xscale()
        == "log"
    )
    with pytest.raises(ValueError, match="plot_sweep: expected one metric per value"):
        plot_sweep([0.1, 1.0], {"with BN": [0.9]}, "learning rate", "x")


H = History(train_loss=[2.0, 1.0], test_loss=[2.0, 1.0], test_acc=[0.5, 0.9])

BAD = [
    (
        lambda: plot_histories(H),
        TypeError,
        "plot_histories: expected a {label: History} dict (got History); wrap a single run as {'label': run}",
    ),
    (lambda: plot_histories([H]), TypeError, "plot_histories: expected a {label: History} dict (got list"),
    (lambda: plot_histories({}), ValueError, "plot_histories: expected at least one {label: History} entry (got none)"),
    (
        lambda: plot_histories({"with BN": [0.5, 0.4]}),
        TypeError,
        "plot_histories: expected every value to be a History with train_loss, test_acc (got list for 'with BN')",
    ),
    (
        lambda: plot_sweep([0.1, 1.0], {"with BN": [0.9]}, "learning rate", "x"),
        ValueError,
        "plot_sweep: expected one metric per value",
    ),
    (
        lambda: plot_sweep([0.0, 1.0], {"with BN": [0.9, 0.8]}, "learning rate", "x"),
        ValueError,
        "plot_sweep: expected values[0] to be a finite number > 0 (the x axis is logarithmic) (got 0.0)",
    ),
    (
        lambda: plot_sweep(0.1, {"with BN": [0.9]}, "learning rate", "x"),
        TypeError,
        "plot_sweep: expected values to be a list of numbers",
    ),
    (
        lambda: plot_sweep([0.1], [0.9], "learning rate", "x"),
        TypeError,
        "plot_sweep: expected results to be a {label: [metric per value]} dict",
    ),
    (
        lambda: plot_sweep([0.1], {"with BN": [0.9]}, 3, "x"),
        TypeError,
        "plot_sweep: expected xlabel to be a str (got int 3)",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)


@pytest.mark.parametrize("lang, mark", [("en", "."), ("vi", ","), ("cs", ",")])
def test_tick_labels_write_numbers_in_the_lesson_language(lang, mark):
    trainlab.set_language(lang)
    try:
        fig = plot_sweep([0.01, 0.1, 1.0], {"with BN": [0.5, 0.75, 0.9]}, "learning rate", "Learning rate sweep")
        fig.canvas.draw()
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    finally:
        trainlab.set_language("en")
    decimals = [t for t in labels if any(m in t for m in ".,")]
    assert decimals and all(mark in t for t in decimals), labels


def test_fmt_writes_numbers_as_each_language_does():
    from trainlab.i18n import fmt

    expected = {
        "en": ("0.973", "50,000", "15%"),
        "vi": ("0,973", "50.000", "15%"),
        "cs": ("0,973", "50\u00a0000", "15\u00a0%"),
    }
    try:
        for lang, want in expected.items():
            trainlab.set_language(lang)
            assert (fmt(0.9734, 3), fmt(50_000), fmt(0.15, 0, percent=True)) == want, lang
    finally:
        trainlab.set_language("en")
