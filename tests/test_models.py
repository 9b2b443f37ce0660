"""trainlab.models: the model builders and initialization."""

import pytest
import torch

from conftest import bad_input_test
from trainlab.data import load_digits
from trainlab.models import cnn, initialize, mlp


def test_mlp_puts_batch_norm_between_linear_and_nonlinearity():
    net = mlp([8, 5, 5, 3], activation="sigmoid", norm="batch")
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "BatchNorm1d", "Sigmoid", "Linear", "BatchNorm1d", "Sigmoid", "Linear"]
    assert net[0].bias is None and net[-1].bias is not None
    assert all(m.bias is not None for m in mlp([8, 5, 3]) if isinstance(m, torch.nn.Linear))


@pytest.mark.parametrize("lib", ["torch", "trainlab"])
@pytest.mark.parametrize("norm", [None, "batch", "layer", "group"])
def test_builders_take_every_option_by_name_and_run(lib, norm):
    for act in ("relu", "gelu", "sigmoid"):
        net = mlp([64, 12, 10], activation=act, norm=norm, dropout=0.2, init="kaiming_normal", lib=lib)
        assert net(torch.randn(4, 64)).shape == (4, 10)
    net = cnn((1, 8, 8), channels=(4, 8), norm=norm, dropout=0.1, init="xavier_uniform", lib=lib)
    assert net(torch.randn(3, 64)).shape == (3, 10)
    module_lib = {
        type(m).__module__.split(".")[0] for m in net if "Norm" in type(m).__name__ or "Dropout" in type(m).__name__
    }
    assert module_lib <= {lib}


@torch.no_grad()
def test_initialize_schemes_set_the_expected_scale():
    net = initialize(mlp([400, 300, 10]), "zeros")
    assert float(net[0].weight.abs().max()) == 0.0
    net = initialize(mlp([400, 300, 10], activation="tanh"), "xavier_normal", activation="tanh")
    expected = (5 / 3) * (2 / (400 + 300)) ** 0.5
    assert abs(float(net[0].weight.std()) - expected) / expected < 0.02
    net = initialize(mlp([400, 300, 10]), "kaiming_normal")
    assert abs(float(net[0].weight.std()) - (2 / 400) ** 0.5) / (2 / 400) ** 0.5 < 0.02
    assert float(net[0].bias.abs().max()) == 0.0


def test_cnn_refuses_images_of_another_size_and_says_how_to_build_the_right_one():
    digits = load_digits()
    net = cnn()  # 28x28 by default
    with pytest.raises(
        ValueError,
        match=r"cnn: expected input of shape \(N, 784\), flattened 1x28x28 images \(got \(4, 64\)\); build the network with cnn\(image_shape=data.image_shape\)",
    ):
        net(digits.x_train[:4])
    assert cnn(digits.image_shape)(digits.x_train[:4]).shape == (4, 10)


BAD = [
    (
        lambda: mlp(64),
        TypeError,
        "mlp: expected sizes to be a list of layer widths [inputs, hidden..., outputs] (got int 64)",
    ),
    (lambda: mlp([8]), ValueError, "mlp: expected at least two layer sizes, [inputs, ..., outputs] (got [8])"),
    (lambda: mlp([8, 0, 3]), ValueError, "mlp: expected every layer size >= 1 (got 0)"),
    (lambda: mlp([8, "3"]), TypeError, "mlp: expected every layer size to be an int (got str '3')"),
    (
        lambda: mlp([8, 3], activation="swish"),
        ValueError,
        "mlp: expected activation to be one of 'sigmoid', 'tanh', 'relu'",
    ),
    (
        lambda: mlp([8, 3], norm="instance"),
        ValueError,
        "mlp: expected norm to be one of None, 'batch', 'layer', 'group' (got 'instance')",
    ),
    (lambda: mlp([8, 3], dropout=1.0), ValueError, "mlp: expected dropout in [0, 1) (got 1.0)"),
    (lambda: mlp([8, 3], dropout="0.1"), TypeError, "mlp: expected dropout to be a number (got str '0.1')"),
    (lambda: mlp([8, 3], init="orthogonal"), ValueError, "mlp: expected init to be one of None, 'zeros'"),
    (lambda: mlp([8, 3], lib="keras"), ValueError, "mlp: expected lib to be one of 'torch', 'trainlab' (got 'keras')"),
    (
        lambda: cnn((8, 8)),
        ValueError,
        "cnn: expected image_shape (C, H, W) and at least one block (got (8, 8), (16, 32))",
    ),
    (
        lambda: cnn((1, 8, 8), channels=4),
        TypeError,
        "cnn: expected channels to be a tuple of channel counts, one per block (got int 4)",
    ),
    (lambda: cnn((1, 8, 8), channels=(4,), num_classes=0), ValueError, "cnn: expected num_classes >= 1 (got 0)"),
    (
        lambda: cnn((1, 8, 8), norm="batchnorm"),
        ValueError,
        "cnn: expected norm to be one of None, 'batch', 'layer', 'group' (got 'batchnorm')",
    ),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
