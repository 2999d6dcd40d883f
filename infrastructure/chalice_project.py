"""A clean Chalice project for `chalice package`, staged outside the working tree.

Why not package the repo root directly: `.chalice/config.json` there belongs to local
development (chalice local, devstack) and its environment variables would be merged
into the deployed functions; packaging also writes caches into the project. The staged
copy holds only what Lambda runs (app.py, chalicelib/, requirements.txt) and a minimal
config; every deployed setting comes from the CDK `stage_config`, in memory.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from infrastructure import constants

REPO_ROOT = Path(__file__).resolve().parent.parent
_RUNTIME = ("app.py", "chalicelib")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache")
# With `autogen_policy: false` chalice gives every function its own role and reads its inline
# policy from this file; the file is empty because the `Api` construct removes that inline policy
# and attaches each role's own managed policy instead.
FUNCTION_POLICY_FILE = "function-policy.json"
_EMPTY_POLICY = json.dumps({"Version": "2012-10-17", "Statement": []}, indent=2) + "\n"


def stage_project(build_dir: Path, *, bundle_dependencies: bool, source: Path = REPO_ROOT) -> Path:
    """Copy the runtime into `build_dir/chalice-project` and return that directory.

    The `.chalice/deployments` cache inside it survives, so wheels are downloaded
    once per requirements.txt, not on every synth.
    """
    project = build_dir / "chalice-project"
    (project / ".chalice").mkdir(parents=True, exist_ok=True)
    for name in _RUNTIME:
        src, dst = source / name, project / name
        if dst.is_dir():
            shutil.rmtree(dst)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=_IGNORE)
        else:
            shutil.copy2(src, dst)
    requirements = (source / "requirements.txt").read_text(encoding="utf-8") if bundle_dependencies else ""
    _write_if_changed(project / "requirements.txt", requirements)
    config = {"version": "2.0", "app_name": constants.SERVICE, "stages": {}}
    _write_if_changed(project / ".chalice" / "config.json", json.dumps(config, indent=2) + "\n")
    _write_if_changed(project / ".chalice" / FUNCTION_POLICY_FILE, _EMPTY_POLICY)
    return project


def _write_if_changed(path: Path, text: str) -> None:
    # Unchanged mtimes keep chalice's package cache and the asset hash stable.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def packaging_sandbox(build_dir: Path, *, region: str, source: Path = REPO_ROOT) -> Iterator[None]:
    """Contain `chalice package`'s side effects on this process.

    It needs a region, writes `chalice.out/` into the current directory, copies the
    stage's environment variables into `os.environ` and puts the project first on
    `sys.path`; a test session sharing this process must not see any of that.
    It also imports `app`: the repo's module is loaded first (once per process), so
    chalice reuses it instead of executing app.py a second time, which would
    register every route twice on the module-level blueprints.
    """
    if "app" not in sys.modules:
        _load_app(source / "app.py")
    environ, path = dict(os.environ), list(sys.path)
    shutil.rmtree(build_dir / "chalice.out", ignore_errors=True)
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        with contextlib.chdir(build_dir):
            yield
    finally:
        os.environ.clear()
        os.environ.update(environ)
        sys.path[:] = path


def _load_app(path: Path) -> None:
    spec = importlib.util.spec_from_file_location("app", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["app"] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules["app"]
        raise
