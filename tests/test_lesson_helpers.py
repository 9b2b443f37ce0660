"""Data, models, training loop, plots and the i18n catalogs of trainlab."""
import matplotlib

matplotlib.use("Agg")

import pytest
import torch

import trainlab
from trainlab import i18n
from trainlab.data import load_digits
from trainlab.models import mlp
from trainlab.plots import plot_activations, plot_histories
from trainlab.training import History, evaluate, train

from conftest import LANGS, ROOT


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    trainlab.set_language("en")


def test_digits_split_is_stratified_seeded_and_standardized_on_train_only():
    a, b = load_digits(seed=3), load_digits(seed=3)
    assert torch.equal(a.x_train, b.x_train) and len(a.x_test) == 360
    counts = torch.bincount(a.y_test)  # stratified: about 36 test images of every digit
    assert int(counts.max() - counts.min()) <= 2
    assert float(a.x_train.max()) == 1.0 and float(a.x_train.min()) == 0.0
    s = load_digits(seed=3, standardize=True)
    varying = s.x_train.std(dim=0) > 0
    assert torch.allclose(s.x_train.mean(dim=0), torch.zeros(64), atol=1e-5)
    assert torch.allclose(s.x_train.std(dim=0, unbiased=False)[varying], torch.ones(int(varying.sum())), atol=1e-4)
    assert not torch.allclose(s.x_test.mean(dim=0), torch.zeros(64), atol=1e-3)


@pytest.mark.parametrize("bad", [0.0, 1.0, 2, "0.2"])
def test_digits_rejects_a_bad_test_fraction(bad):
    with pytest.raises(ValueError, match=r"load_digits: expected test_fraction in \(0, 1\)"):
        load_digits(test_fraction=bad)


def test_mlp_puts_batch_norm_between_linear_and_nonlinearity():
    net = mlp([8, 5, 5, 3], activation="sigmoid", norm="batch")
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "BatchNorm1d", "Sigmoid", "Linear", "BatchNorm1d", "Sigmoid", "Linear"]
    assert net[0].bias is None and net[-1].bias is not None
    assert all(m.bias is not None for m in mlp([8, 5, 3]) if isinstance(m, torch.nn.Linear))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sizes=[8]), "at least two positive integer layer sizes"),
        (dict(sizes=[8, 0, 3]), "at least two positive integer layer sizes"),
        (dict(sizes=[8, 3], activation="swish"), "mlp: expected activation to be one of 'relu', 'sigmoid', 'tanh'"),
        (dict(sizes=[8, 3], norm="instance"), "mlp: expected norm to be one of None, 'batch', 'layer', 'group' (got 'instance')"),
        (dict(sizes=[8, 3], dropout=1.0), "mlp: expected dropout in [0, 1) (got 1.0)"),
        (dict(sizes=[8, 3], init="orthogonal"), "mlp: expected init to be one of None, 'zeros'"),
        (dict(sizes=[8, 3], lib="keras"), "mlp: expected lib to be one of 'torch', 'trainlab' (got 'keras')"),
    ],
)
def test_mlp_bad_arguments(kwargs, message):
    with pytest.raises(ValueError) as info:
        mlp(**kwargs)
    assert message in str(info.value)


def test_training_reduces_the_loss_and_is_reproducible():
    data = load_digits()
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        runs.append(train(mlp([64, 32, 10], norm="batch"), data, epochs=3, lr=0.1))
    assert runs[0].train_loss == runs[1].train_loss
    assert runs[0].train_loss[-1] < runs[0].train_loss[0] < 2.5
    assert runs[0].test_acc[-1] > 0.8


def test_evaluate_restores_the_training_mode():
    net = mlp([64, 10])
    data = load_digits()
    evaluate(net, data.x_test, data.y_test)
    assert net.training


@pytest.mark.parametrize("kwargs", [dict(epochs=0), dict(batch_size=1), dict(lr=0.0)])
def test_train_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="train: expected"):
        train(mlp([64, 10]), load_digits(), **kwargs)


def test_progress_bar_obeys_the_environment(monkeypatch):
    from trainlab.training import progress_enabled

    monkeypatch.setenv("TRAINLAB_PROGRESS", "0")
    assert not progress_enabled()
    monkeypatch.setenv("TRAINLAB_PROGRESS", "1")
    assert progress_enabled()


@pytest.mark.parametrize("lang", LANGS)
def test_plots_draw_their_labels_in_the_lesson_language(lang):
    trainlab.set_language(lang)
    h = History(train_loss=[2.0, 1.0], test_loss=[2.0, 1.0], test_acc=[0.5, 0.9])
    fig = plot_histories({"with BN": h})
    texts = {fig.axes[0].get_title(), fig.axes[0].get_xlabel(), fig.axes[0].get_legend().get_texts()[0].get_text()}
    assert texts == {i18n.catalog(lang)[m] for m in ("Training loss", "epoch", "with BN")}
    fig = plot_activations(torch.randn(20, 4), torch.randn(20, 4))
    assert fig.axes[0].get_title() == i18n.catalog(lang)["Before batch normalization"]


def test_plot_input_checks():
    with pytest.raises(ValueError, match="plot_activations: expected before and after of the same"):
        plot_activations(torch.randn(5, 3), torch.randn(5, 4))
    with pytest.raises(ValueError, match="plot_histories: expected at least one"):
        plot_histories({})


def test_every_message_trainlab_draws_is_translated_in_both_languages():
    import ast

    used = set()
    for path in (ROOT / "src" / "trainlab").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    used.add(node.args[0].value)
    # labels the lessons pass to the plotting functions
    used |= {"with BN", "without BN", "learning rate", "standard deviation of the initial weights",
             "Learning rate sweep", "Initialization scale sweep", "noisy BN"}
    assert len(used) > 5
    for lang in LANGS:
        missing = used - set(i18n.catalog(lang))
        assert not missing, f"locales/{lang}/LC_MESSAGES/trainlab.po lacks {sorted(missing)}"


def test_po_parser_handles_multiline_fuzzy_and_escapes():
    text = '''msgid ""
msgstr "Language: vi\\n"

msgid "a"
msgstr ""
"b "
"\\"c\\""

#, fuzzy
msgid "old"
msgstr "stale"

msgid "untranslated"
msgstr ""
'''
    assert i18n.parse_po(text) == {"a": 'b "c"'}


def test_set_language_rejects_unknown_languages():
    with pytest.raises(ValueError, match=r"set_language: expected one of en, vi, cs \(got 'de'\)"):
        trainlab.set_language("de")


def test_load_mnist_is_the_shipped_10k_subset():
    from trainlab.data import load_mnist

    d = load_mnist(seed=1)
    assert tuple(d.x_train.shape) == (8000, 784) and d.image_shape == (1, 28, 28)
    counts = torch.bincount(torch.cat([d.y_train, d.y_test]))
    assert counts.tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    assert 0.0 == float(d.x_train.min()) and float(d.x_train.max()) == 1.0


@pytest.mark.parametrize("lib", ["torch", "trainlab"])
@pytest.mark.parametrize("norm", [None, "batch", "layer", "group"])
def test_builders_take_every_option_by_name_and_run(lib, norm):
    from trainlab.models import cnn

    for act in ("relu", "gelu", "sigmoid"):
        net = mlp([64, 12, 10], activation=act, norm=norm, dropout=0.2, init="kaiming_normal", lib=lib)
        assert net(torch.randn(4, 64)).shape == (4, 10)
    net = cnn((1, 8, 8), channels=(4, 8), norm=norm, dropout=0.1, init="xavier_uniform", lib=lib)
    assert net(torch.randn(3, 64)).shape == (3, 10)
    module_lib = {type(m).__module__.split(".")[0] for m in net if "Norm" in type(m).__name__ or "Dropout" in type(m).__name__}
    assert module_lib <= {lib}


@torch.no_grad()
def test_initialize_schemes_set_the_expected_scale():
    from trainlab.models import initialize

    net = initialize(mlp([400, 300, 10]), "zeros")
    assert float(net[0].weight.abs().max()) == 0.0
    net = initialize(mlp([400, 300, 10], activation="tanh"), "xavier_normal", activation="tanh")
    expected = (5 / 3) * (2 / (400 + 300)) ** 0.5
    assert abs(float(net[0].weight.std()) - expected) / expected < 0.02
    net = initialize(mlp([400, 300, 10]), "kaiming_normal")
    assert abs(float(net[0].weight.std()) - (2 / 400) ** 0.5) / (2 / 400) ** 0.5 < 0.02
    assert float(net[0].bias.abs().max()) == 0.0


def test_layer_stats_records_activations_and_gradients_per_layer():
    from trainlab.hooks import LayerStats

    net = mlp([64, 50, 50, 50, 10], activation="sigmoid")
    with LayerStats(net) as stats:
        net(torch.randn(32, 64)).sum().backward()
    rows = stats.table()
    assert [r["layer"] for r in rows] == ["1", "3", "5"]
    assert all(0.0 < r["mean"] < 1.0 and r["grad_std"] > 0 for r in rows)
    assert rows[0]["grad_std"] < rows[-1]["grad_std"]  # sigmoid: gradients shrink towards the input
    assert not net[1]._forward_hooks  # hooks removed on exit
    with pytest.raises(ValueError, match="LayerStats: expected model to contain a layer of type"):
        LayerStats(torch.nn.Linear(3, 3))


def test_train_steps_measures_every_eval_every_steps_and_calls_the_probe():
    from trainlab.training import train_steps

    data = load_digits()
    torch.manual_seed(0)
    net = mlp([64, 16, 10], norm="batch")
    calls = []
    h = train_steps(net, data, steps=50, lr=0.1, eval_every=10, probe=lambda m: calls.append(m.training) or len(calls))
    assert h.steps == [10, 20, 30, 40, 50] and len(h.test_acc) == 5
    assert h.probes == [1, 2, 3, 4, 5] and calls == [False] * 5  # probed in evaluation mode
    assert net.training
    with pytest.raises(ValueError, match="train_steps: expected eval_every to be an integer >= 1"):
        train_steps(net, data, steps=5, eval_every=0)


def test_input_percentiles_reads_the_input_of_the_given_layer():
    from trainlab.hooks import input_percentiles

    net = torch.nn.Sequential(torch.nn.Identity(), torch.nn.Sigmoid())
    x = torch.arange(101, dtype=torch.float32).repeat(2, 1).T  # column 0 holds 0..100
    assert input_percentiles(net, x, net[1], unit=0, q=(15, 50, 85)) == pytest.approx([15.0, 50.0, 85.0])
    with pytest.raises(ValueError, match="input_percentiles: expected layer to be part of model"):
        input_percentiles(net, x, torch.nn.ReLU())


def test_exercise_checker_accepts_a_right_answer_and_names_the_wrong_gradient(capsys):
    import numpy as np

    from trainlab.exercises import check_batch_norm_backward
    from trainlab.numpy_ref import batch_norm_backward, batch_norm_forward

    def right(dy, x, gamma, eps):
        return batch_norm_backward(dy, batch_norm_forward(x, gamma, None, eps=eps)[1])

    def wrong_dgamma(dy, x, gamma, eps):
        dx, dgamma, dbeta = right(dy, x, gamma, eps)
        return dx, dy.sum(axis=0), dbeta

    assert check_batch_norm_backward(right) is True
    assert check_batch_norm_backward(wrong_dgamma) is False
    out = capsys.readouterr().out
    assert "✗ dgamma is wrong" in out and "Hint: dgamma sums dy times x_hat" in out and "✓ dx is correct" in out
    assert check_batch_norm_backward(lambda *a: None) is False
    assert check_batch_norm_backward(lambda *a: (np.zeros(3), np.zeros(5), np.zeros(5))) is False
    out = capsys.readouterr().out
    assert "got NoneType" in out and "dx: shape (3,), expected (16, 5)" in out
    trainlab.set_language("vi")
    check_batch_norm_backward(right)
    assert "Cả ba gradient đều đúng." in capsys.readouterr().out


def test_gradcheck_helpers():
    import numpy as np

    from trainlab.gradcheck import compare, numeric_gradient, relative_error

    x = np.array([0.5, -1.0, 2.0])
    g = numeric_gradient(lambda: float(np.sin(x).sum()), x)
    assert relative_error(g, np.cos(x)) < 1e-9
    assert compare("g", g, np.cos(x), tol=1e-8) and not compare("g", g + 1e-3, np.cos(x))
    with pytest.raises(TypeError, match="numeric_gradient: expected x to be a floating numpy.ndarray"):
        numeric_gradient(lambda: 0.0, [1.0])
