"""The crawl's site: a fresh copy of what ``make run`` serves.

A throw-away SQLite database is migrated and filled exactly as ``make run``
does (demo network and users, shipped instruments, generated persons at both
staffed access points), plus the states the generator leaves out
(``states.py``); then Django's development server serves it with DEBUG on,
since demo users only exist with DEBUG on. It does not touch the test
database, so the crawl runs the same whichever database the suite uses.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETUP = [
    ["migrate", "--no-input", "-v", "0"],
    ["load_demo", "--once"],
    ["load_instruments"],
    ["generate_dataset", "--persons", "300", "--seed", "2026", "--access-point", "PUA Ambito di Cremona"],
    ["generate_dataset", "--persons", "120", "--seed", "2027", "--access-point", "UTI Distretto B Frosinone"],
]


def _environment(folder: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'crawl.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "PYTHONPATH": str(ROOT),
    })
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_build(folder: Path) -> dict:
    env = _environment(folder)
    for command in SETUP:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=600)
    subprocess.run([sys.executable, "manage.py", "shell", "-c",
                    "from tests.crawl.states import states_build; states_build()"],
                   cwd=ROOT, env=env, check=True, timeout=600)
    return env


class Site:
    """The development server of the crawl database, on a free loopback port."""

    def __init__(self, folder: Path):
        self.env = site_build(folder)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(folder / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the crawl server stopped with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the crawl server did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
