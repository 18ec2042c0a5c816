"""Shared fixtures. No test may open a network connection: sockets are blocked here."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
REAL = ROOT.parent / "shared" / "data" / "real"


class NetworkBlockedError(RuntimeError):
    """Raised when a test tries to open a network connection."""


_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection


def _is_local(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host in {"localhost", "::1"} or host.startswith("127.")
    return isinstance(address, (str, bytes))  # AF_UNIX sockets (jupyter kernels) are local


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_local(address):
        raise NetworkBlockedError(f"test tried to connect to {address!r}; tests run offline")
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_create_connection(address: object, *args: object, **kwargs: object) -> socket.socket:
    if not _is_local(address):
        raise NetworkBlockedError(f"test tried to connect to {address!r}; tests run offline")
    return _real_create_connection(address, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket, "create_connection", _guarded_create_connection)


@pytest.fixture(autouse=True)
def _user_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The user's data folder (demo study area) is a temporary one: tests never write to ~."""
    monkeypatch.setenv("AREALANALYSE_DATA_DIR", str(tmp_path_factory.getbasetemp() / "user-data"))


@pytest.fixture(scope="session")
def real_data() -> Path:
    """Path to ../shared/data/real; skips the test with a reason when it is absent."""
    if not REAL.is_dir():
        pytest.skip(f"real data folder {REAL} is absent (only a fresh user clone lacks it)")
    return REAL


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Path to tests/data (tiny hand-made inputs)."""
    return DATA


@pytest.fixture(scope="session")
def demo_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Catalogue of the synthetic demo study area, built once per test run.

    Under pytest-xdist every worker has its own session; a file lock in the run's shared temp
    folder makes the first worker build the demo and the others reuse it. The repo's own
    ``layers/baerum-demo/`` is never written by tests.
    """
    import fcntl
    import os

    from arealanalyse.demo import build_demo, demo_is_current

    base = tmp_path_factory.getbasetemp()
    run_dir = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run only
    shared = run_dir / "shared-demo"
    shared.mkdir(exist_ok=True)
    catalogue = shared / "baerum-demo.yaml"
    with (shared / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            gpkg = shared / "baerum-demo" / "baerum-demo.gpkg"
            if not ((shared / "done").is_file() and demo_is_current(gpkg)):
                build_demo(shared / "baerum-demo", catalogue=catalogue)
                (shared / "done").write_text("ok")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return catalogue
