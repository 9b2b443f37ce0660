"""trainlab installs the way a lesson's setup cell installs it on Colab: into an environment
that already has torch, numpy, matplotlib and ipywidgets, without touching them; and its UI
catalogs, which live in the repository's locales/ folder, reach the installed package without
a symbolic link (a checkout on Windows has none)."""

import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

CHECK = (
    "import trainlab, trainlab.i18n as i18n, pathlib;"
    "trainlab.set_language('cs'); assert i18n._('epoch') == 'epocha', i18n._('epoch');"
    "trainlab.set_language('vi'); assert i18n._('with BN') == 'có BN', i18n._('with BN');"
    "from trainlab.data import load_digits; load_digits();"
    "print(pathlib.Path(trainlab.__file__).resolve()); print(i18n._LOCALE_DIR)"
)


def colab_like_environment(tmp_path):
    """A fresh venv whose "preinstalled" libraries are this environment's, minus trainlab."""
    env = tmp_path / "colab-like"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = env / "bin" / "python"
    # The venv's own old setuptools would shadow the "preinstalled" one below.
    subprocess.run([str(python), "-m", "pip", "uninstall", "-q", "-y", "setuptools"], check=False, capture_output=True)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    preinstalled = tmp_path / "preinstalled"
    preinstalled.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(("trainlab", "__editable__", "_trainlab")) and entry.suffix != ".pth":
            (preinstalled / entry.name).symlink_to(entry)
    (Path(site) / "preinstalled.pth").write_text(str(preinstalled) + "\n")
    return python


def checkout_without_links(tmp_path):
    """What a git clone holds of the package, as a checkout without symlinks has it (copied,
    so that the build leaves nothing in this one)."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, checkout / name)
    for name in ("src", "locales"):
        shutil.copytree(
            ROOT / name,
            checkout / name,
            symlinks=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.mo"),
        )
    links = [p for p in checkout.rglob("*") if p.is_symlink()]
    assert not links, f"the package relies on symbolic links, which a checkout on Windows lacks: {links}"
    return checkout


@pytest.mark.parametrize("editable", [False, True], ids=["colab-install", "editable-install"])
def test_package_installs_into_a_fresh_environment_with_its_catalogs(tmp_path, editable):
    python = colab_like_environment(tmp_path)
    checkout = checkout_without_links(tmp_path)
    if editable:  # as `make` installs it
        command = ["--no-deps", "--no-build-isolation", "-e", str(checkout)]
    else:  # as a lesson's setup cell installs it on Colab
        command = [f"trainlab @ file://{checkout}"]
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", *command],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    installed = [line for line in result.stdout.splitlines() if line.startswith("Successfully installed")]
    assert installed == ["Successfully installed trainlab-0.1.0"], installed  # nothing else pulled in

    out = subprocess.run([str(python), "-c", CHECK], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    package_file, locale_dir = map(Path, out.stdout.split())
    if editable:  # the package and its catalogs are the checkout's own files
        assert package_file.is_relative_to(checkout / "src" / "trainlab"), package_file
        assert locale_dir == checkout / "locales", locale_dir
    else:  # installed copies, with only trainlab's catalogs (not the site's)
        assert not package_file.is_relative_to(checkout) and not package_file.is_relative_to(ROOT), package_file
        assert locale_dir == package_file.parent / "locales", locale_dir
        shipped = sorted(str(p.relative_to(locale_dir)) for p in locale_dir.rglob("*") if p.is_file())
        assert shipped == ["cs/LC_MESSAGES/trainlab.po", "vi/LC_MESSAGES/trainlab.po"], shipped


def test_pyproject_lists_every_subpackage():
    """pyproject.toml lists the packages (trainlab.locales lives outside src/, which automatic
    discovery cannot map): a new subpackage missing from the list would be missing on Colab."""
    src = ROOT / "src"
    found = {".".join(p.parent.relative_to(src).parts) for p in (src / "trainlab").rglob("__init__.py")}
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert listed - {"trainlab.locales"} == found, (
        f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}; "
        f"remove: {sorted(listed - found - {'trainlab.locales'})}"
    )
    assert PYPROJECT["tool"]["setuptools"]["package-dir"]["trainlab.locales"] == "locales"


def test_dev_install_reads_the_repository_catalogs():
    import trainlab.i18n as i18n

    assert i18n._LOCALE_DIR == ROOT / "locales", i18n._LOCALE_DIR
    assert i18n.catalog("cs")["epoch"] == "epocha"
