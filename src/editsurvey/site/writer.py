"""Writing folders safely: whole-folder swaps, in-place syncs for live reload, one build at a time."""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import BuildError

BUILD_DIR = "build"


def write_tree(files: dict[str, bytes], target: Path) -> None:
    """Replace `target` with exactly `files`, all at once (no half-written state)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)
    try:
        for rel, content in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def sync_tree(files: dict[str, bytes], target: Path) -> list[str]:
    """Make `target` hold exactly `files`, touching only what changed (for live reload)."""
    changed = []
    target.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = target / rel
        if path.is_file() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        changed.append(rel)
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
            changed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


def swap(new: Path, target: Path) -> None:
    """Put `new` in place of `target`; the old folder is moved aside under a fresh name, then removed."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    shutil.move(str(new), str(target))  # a rename, unless the two are on different file systems
    if old is not None:
        shutil.rmtree(old)


def write_if_changed(path: Path, text: str) -> Path:
    """Write `text` to `path`, leaving the file untouched when it already holds it (watchers see no change)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """One build at a time per repository: two would swap the same folders under each other."""
    lock_path = root / BUILD_DIR / ".lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError("another build is running in this repository; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
