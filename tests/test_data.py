"""trainlab.data: the offline data sets and their Split."""

import pytest
import torch

from conftest import bad_input_test
from trainlab.data import Split, load_digits, load_mnist


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


@pytest.mark.parametrize("bad", [0.0, 1.0, 2])
def test_digits_rejects_a_bad_test_fraction(bad):
    with pytest.raises(ValueError, match=r"load_digits: expected test_fraction in \(0, 1\)"):
        load_digits(test_fraction=bad)


def test_load_mnist_is_the_shipped_10k_subset():
    d = load_mnist(seed=1)
    assert tuple(d.x_train.shape) == (8000, 784) and d.image_shape == (1, 28, 28)
    counts = torch.bincount(torch.cat([d.y_train, d.y_test]))
    assert counts.tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    assert 0.0 == float(d.x_train.min()) and float(d.x_train.max()) == 1.0


def test_split_takes_tensors_of_the_right_kinds():
    s = Split(torch.zeros(4, 64), torch.zeros(4).long(), torch.zeros(2, 64), torch.zeros(2).long())
    assert s.num_features == 64 and s.image_shape == (1, 8, 8)


def _split(**change):
    parts = dict(
        x_train=torch.zeros(4, 64),
        y_train=torch.zeros(4).long(),
        x_test=torch.zeros(2, 64),
        y_test=torch.zeros(2).long(),
    )
    return lambda: Split(**{**parts, **change})


BAD = [
    (lambda: load_digits(seed="0"), TypeError, "load_digits: expected seed to be an int (got str '0')"),
    (lambda: load_digits(seed=-1), ValueError, "load_digits: expected seed >= 0 (got -1)"),
    (lambda: load_digits(test_fraction="0.2"), TypeError, "load_digits: expected test_fraction to be a number"),
    (
        lambda: load_digits(standardize=1),
        TypeError,
        "load_digits: expected standardize to be True or False (got int 1)",
    ),
    (lambda: load_mnist(test_fraction=1.5), ValueError, "load_mnist: expected test_fraction in (0, 1) (got 1.5)"),
    (lambda: load_mnist(seed=0.5), TypeError, "load_mnist: expected seed to be an int"),
    (
        _split(x_train=torch.zeros(4, 64).numpy()),
        TypeError,
        "Split: expected x_train to be a torch.Tensor (got ndarray)",
    ),
    (
        _split(y_train=torch.zeros(4, dtype=torch.int32)),
        TypeError,
        "Split: expected y_train of dtype torch.int64, class labels (got torch.int32); convert it with y_train.long()",
    ),
    (_split(y_test=torch.zeros(3).long()), ValueError, "Split: expected one label per example in y_test, 2 (got 3)"),
    (
        _split(x_test=torch.zeros(2, 63)),
        ValueError,
        "Split: expected x_test with as many features as x_train, 64 (got 63)",
    ),
    (_split(x_train=torch.zeros(4, 1, 8, 8)), ValueError, "Split: expected 2D x_train (got 4D"),
    (_split(image_shape=(8, 8)), ValueError, "Split: expected image_shape to be three positive ints"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
