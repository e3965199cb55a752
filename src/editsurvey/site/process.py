"""Running the site engine as a child process that never outlives us.

A SIGTERM (CI cancelling a job, `kill`, a closing terminal) would otherwise
end this process and leave the engine running: still serving the port, or
writing a staging folder nobody removes. Here the signal becomes an
exception, so the caller's clean-up runs, and the child is stopped with us.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(Exception):
    """The process was asked to stop by a signal."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


@contextlib.contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise `Stopped` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_stopped(signum: int, frame: FrameType | None) -> None:
        raise Stopped(signum)

    previous = {s: signal.signal(s, raise_stopped) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def run_child(command: list[str], *, cwd: Path, env: dict[str, str], capture: bool) -> subprocess.CompletedProcess[str]:
    """Run `command` to completion; if we are stopped or interrupted, stop it first."""
    output = subprocess.PIPE if capture else None
    with signals_as_exceptions():
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output, text=True)
        try:
            stdout, stderr = child.communicate()
        except BaseException:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            raise
    return subprocess.CompletedProcess(command, child.returncode, stdout or "", stderr or "")
