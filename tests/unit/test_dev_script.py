"""dev.py's set-up: ``serve`` installs only what serving needs, switching between ``serve`` and ``test`` stays
fast (a venv synced for the tests serves too; serving never removes the dev tools), and each step prints a
short line, not pip's or uv's whole output — which is shown when the step fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dev(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("kook_dev_script", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    venv = tmp_path / "venv"
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", str(venv))
    monkeypatch.setattr(module, "ensure_uv", lambda: Path("/usr/bin/uv"))
    return module


class Syncs:
    """Stands in for dev.run: records the uv commands and makes the venv's python as uv would."""

    def __init__(self, dev: ModuleType) -> None:
        self.dev = dev
        self.commands: list[list[str]] = []

    def __call__(self, cmd: list[str], *, what: str, env: dict[str, str] | None = None, quiet: bool = True) -> str:
        self.commands.append(cmd)
        python = self.dev.venv_bin(self.dev.venv_dir(), "python")
        python.parent.mkdir(parents=True, exist_ok=True)
        python.touch()
        return ""

    def take(self) -> list[list[str]]:
        taken, self.commands = self.commands, []
        return taken


def test_serve_syncs_without_the_dev_tools_and_switching_modes_stays_fast(
    dev: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs = Syncs(dev)
    monkeypatch.setattr(dev, "run", syncs)

    dev.ensure_venv("serve")  # a fresh clone: only what serving needs
    [serve] = syncs.take()
    assert serve[1:4] == ["sync", "--frozen", "--compile-bytecode"]
    assert "--no-dev" in serve and "--inexact" in serve  # and nothing a test run installed is removed
    dev.ensure_venv("serve")
    assert syncs.take() == []  # nothing changed: no uv at all

    dev.ensure_venv("dev")  # the tests need the dev group: an exact sync with it
    [full] = syncs.take()
    assert "--no-dev" not in full and "--inexact" not in full
    dev.ensure_venv("serve")  # a venv synced for the tests serves as it is
    dev.ensure_venv("dev")
    assert syncs.take() == []

    (Path(dev.venv_dir()) / dev.STAMP_NAME).write_text("an older lock\n")
    dev.ensure_venv("serve")
    assert "--no-dev" in syncs.take()[0]
    dev.ensure_venv("dev")  # synced for serving only: the tests sync again (with the dev group)
    assert "--no-dev" not in syncs.take()[0]


def test_serve_takes_npm_from_the_dev_tools_only_when_the_machine_has_none_and_assets_need_it(
    dev: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)
    monkeypatch.setattr(dev, "assets_need_npm", lambda: True)
    assert dev.serve_mode() == "dev"
    monkeypatch.setattr(dev, "assets_need_npm", lambda: False)
    assert dev.serve_mode() == "serve"
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(dev, "assets_need_npm", lambda: True)
    assert dev.serve_mode() == "serve"


def test_a_step_prints_a_short_line_and_its_output_only_when_it_fails(
    dev: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    noisy = [sys.executable, "-c", "import sys; [print(f'Downloading package {i}') for i in range(200)]"]
    output = dev.run(noisy, what="uv sync")
    assert output.count("Downloading package") == 200
    shown = capfd.readouterr()
    assert "Downloading" not in shown.out + shown.err

    failing = [sys.executable, "-c", "import sys; print('resolution failed: no wheel for x'); sys.exit(3)"]
    with pytest.raises(dev.SetupError, match="exited with code 3"):
        dev.run(failing, what="uv sync")
    assert "resolution failed: no wheel for x" in capfd.readouterr().err

    dev.run(noisy, what="front-end assets", quiet=False)  # a step asked for by name shows its output
    assert capfd.readouterr().out.count("Downloading package") == 200
