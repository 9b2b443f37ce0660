"""trainlab installs the way a lesson's setup cell installs it on Colab: into an environment
that already has torch, numpy, matplotlib and ipywidgets, without touching them."""
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from conftest import ROOT


def test_package_installs_into_a_fresh_environment_beside_preinstalled_libraries(tmp_path):
    env = tmp_path / "colab-like"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = env / "bin" / "python"
    # The venv's own old setuptools would shadow the "preinstalled" one below.
    subprocess.run([str(python), "-m", "pip", "uninstall", "-q", "-y", "setuptools"], check=False, capture_output=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()

    # "Preinstalled" libraries: this environment's packages, minus trainlab itself.
    preinstalled = tmp_path / "preinstalled"
    preinstalled.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(("trainlab", "__editable__", "_trainlab")) and entry.suffix != ".pth":
            (preinstalled / entry.name).symlink_to(entry)
    (Path(site) / "preinstalled.pth").write_text(str(preinstalled) + "\n")

    # What a git clone holds of the package (src/trainlab/locales is a link to locales/),
    # copied so that the build leaves nothing in the checkout.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, checkout / name)
    for name in ("src", "locales"):
        shutil.copytree(ROOT / name, checkout / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.mo"))
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", f"trainlab @ file://{checkout}"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    installed = [line for line in result.stdout.splitlines() if line.startswith("Successfully installed")]
    assert installed == ["Successfully installed trainlab-0.1.0"], installed  # nothing else pulled in

    check = (
        "import trainlab, trainlab.i18n as i18n, pathlib;"
        "trainlab.set_language('cs'); assert i18n._('epoch') == 'epocha', i18n._('epoch');"
        "trainlab.set_language('vi'); assert i18n._('with BN') == 'có BN';"
        f"assert not pathlib.Path(trainlab.__file__).is_relative_to({str(ROOT)!r}), trainlab.__file__;"
        "from trainlab.data import load_digits; load_digits(); print('ok')"
    )
    out = subprocess.run([str(python), "-c", check], capture_output=True, text=True, cwd=tmp_path)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]
