"""Deposit slips on disk: random names, atomic 0600 files, no way out of the folder."""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from pathlib import Path

import pytest

from kook.adapters.slips.file_store import FileSlipStore, is_slip_key
from kook.application.wallet.ports import SlipNotFound, SlipStore, StoredSlip
from kook.application.wallet.slips import SlipKind
from kook.domain.shared.errors import NotFound

CONTENT = b"\x89PNG\r\n\x1a\n pretend pixels"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data" / "slips"  # not created yet: the store makes it


@pytest.fixture
def store(root: Path) -> FileSlipStore:
    return FileSlipStore(root)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_round_trip(store: FileSlipStore, root: Path) -> None:
    port: SlipStore = store
    stored = await port.save(CONTENT, SlipKind.PNG)
    assert isinstance(stored, StoredSlip)
    assert stored.kind is SlipKind.PNG
    assert stored.size == len(CONTENT)
    assert stored.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert await port.open(stored.key) == CONTENT
    assert [p.name for p in root.iterdir()] == [stored.key]  # named by the key only, no temp files left

    await port.delete(stored.key)
    assert list(root.iterdir()) == []
    with pytest.raises(SlipNotFound) as caught:
        await port.open(stored.key)
    assert isinstance(caught.value, NotFound) and caught.value.code == "not_found"
    await port.delete(stored.key)  # deleting twice is fine


async def test_keys_are_random_and_unguessable(store: FileSlipStore) -> None:
    keys = [(await store.save(CONTENT, SlipKind.PDF)).key for _ in range(20)]
    assert len(set(keys)) == 20
    for key in keys:
        assert is_slip_key(key)
        assert len(key) == 64 and int(key, 16) >= 0  # 256 random bits, hex
    assert all(await asyncio.gather(*(store.open(key) for key in keys)))


async def test_files_are_private(store: FileSlipStore, root: Path) -> None:
    previous = os.umask(0)  # even a careless umask does not widen them
    try:
        stored = await store.save(CONTENT, SlipKind.JPEG)
    finally:
        os.umask(previous)
    assert _mode(root / stored.key) == 0o600
    assert _mode(root) == 0o700


async def test_existing_root_is_used_as_is(tmp_path: Path) -> None:
    tmp_path.joinpath("slips").mkdir(mode=0o750)
    store = FileSlipStore(str(tmp_path / "slips"))
    stored = await store.save(b"%PDF-1.4", SlipKind.PDF)
    assert (tmp_path / "slips" / stored.key).read_bytes() == b"%PDF-1.4"


@pytest.mark.parametrize(
    "key",
    [
        "../secret.txt",
        "../../etc/passwd",
        "/etc/passwd",
        "a" * 63,
        "a" * 65,
        "A" * 64,  # upper-case hex is not our shape
        "g" * 64,
        "." * 64,
        "0" * 62 + "/x",
        "0" * 63 + "\x00",
        "0" * 64 + "\n",
        "",
        "..",
        "slip.png",
    ],
)
async def test_keys_not_of_our_shape_are_refused(store: FileSlipStore, root: Path, tmp_path: Path, key: str) -> None:
    secret = tmp_path / "data" / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"do not serve")
    with pytest.raises(SlipNotFound):
        await store.open(key)
    with pytest.raises(SlipNotFound):
        await store.delete(key)
    assert secret.read_bytes() == b"do not serve"


async def test_non_string_key_is_refused(store: FileSlipStore) -> None:
    with pytest.raises(SlipNotFound):
        await store.open(None)  # type: ignore[arg-type]


async def test_a_failed_write_leaves_nothing_behind(
    store: FileSlipStore, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        await store.save(CONTENT, SlipKind.PNG)
    assert list(root.iterdir()) == []


async def test_file_io_runs_off_the_event_loop(store: FileSlipStore, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = asyncio.to_thread

    async def spy(func, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", spy)
    stored = await store.save(CONTENT, SlipKind.PNG)
    await store.open(stored.key)
    await store.delete(stored.key)
    assert calls == ["_write", "read_bytes", "unlink"]
