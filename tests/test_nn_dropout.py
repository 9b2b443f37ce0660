"""trainlab.nn dropout modules in place of torch.nn ones: same constructor, train/eval behaviour."""

import warnings

import pytest
import torch
from torch import nn

import trainlab.nn as tnn
from conftest import bad_input_test


@pytest.fixture(autouse=True)
def _compare_in_float64(float64):
    yield


def test_dropout_modules_follow_train_and_eval():
    x = torch.ones(4, 3, 5, 5)
    for cls in (tnn.Dropout, tnn.Dropout2d):
        m = cls(0.5, generator=torch.Generator().manual_seed(0))
        assert (m(x) == 0).any()
        m.eval()
        assert torch.equal(m(x), x)
        assert repr(m) == repr(getattr(nn, cls.__name__)(0.5))


@pytest.mark.parametrize("cls", ["Dropout", "Dropout2d"])
@pytest.mark.parametrize(
    "args, kwargs", [((), {}), ((0.3,), {}), ((0.2, True), {}), ((1,), {}), ((), {"p": 0.0, "inplace": False})]
)
def test_dropout_modules_print_as_torchs(cls, args, kwargs):
    assert repr(getattr(tnn, cls)(*args, **kwargs)) == repr(getattr(nn, cls)(*args, **kwargs))
    assert repr(getattr(tnn, cls)(*args, **kwargs, generator=torch.Generator())) == repr(
        getattr(nn, cls)(*args, **kwargs)
    )


def test_dropout_modules_draw_torchs_masks_for_the_same_seed():
    for cls, shape in (("Dropout", (6, 5, 4, 4)), ("Dropout2d", (6, 5, 4, 4)), ("Dropout2d", (6, 5, 4))):
        x = torch.randn(shape)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # torch's (N, C, L) warning on 3-D input
            torch.manual_seed(3)
            ours = getattr(tnn, cls)(0.4)(x)
            torch.manual_seed(3)
            theirs = getattr(nn, cls)(0.4)(x)
        torch.testing.assert_close(ours, theirs, rtol=0, atol=0)


def test_dropout2d_module_on_3d_input_warns_as_torch():
    # before: a 3-D input was read as (C, H, W), without torch's warning
    with pytest.warns(UserWarning, match=r"interpreted as shape \(N, C, L\)"):
        tnn.Dropout2d()(torch.randn(2, 3, 4))


BAD = [
    (lambda: tnn.Dropout(1.5), ValueError, "Dropout: expected p to be a probability between 0 and 1 (got 1.5)"),
    (
        lambda: tnn.Dropout(torch.tensor(0.5)),
        TypeError,
        "Dropout: expected p to be a number (got Tensor tensor(0.5000)); pass a Python number, e.g. p.item()",
    ),
    (lambda: tnn.Dropout(0.5, inplace="no"), TypeError, "Dropout: expected inplace to be True or False (got str 'no')"),
    (
        lambda: tnn.Dropout(generator=1),
        TypeError,
        "Dropout: expected generator to be a torch.Generator or None (got int 1)",
    ),
    (lambda: tnn.Dropout()([1.0]), TypeError, "dropout: expected input to be a torch.Tensor (got list)"),
    (lambda: tnn.Dropout2d(-0.5), ValueError, "Dropout2d: expected p to be a probability between 0 and 1 (got -0.5)"),
    (lambda: tnn.Dropout2d("0.5"), TypeError, "Dropout2d: expected p to be a number (got str '0.5')"),
    (
        lambda: tnn.Dropout2d()(torch.randn(3, 4)),
        ValueError,
        "dropout2d: expected 3D or 4D input (got 2D input of shape (3, 4))",
    ),
]


test_bad_input_names_the_problem = bad_input_test(BAD)
