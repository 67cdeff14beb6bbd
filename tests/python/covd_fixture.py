"""Starts a real covd on a free loopback port for a test, and stops it."""

import os
import signal
import subprocess
import tempfile
import time


def runfile(path):
    """Absolute path of a runfile such as 'server/covd'."""
    base = os.environ.get("TEST_SRCDIR", "")
    ws = os.environ.get("TEST_WORKSPACE", "cov_project")
    candidate = os.path.join(base, ws, path)
    if os.path.exists(candidate):
        return candidate
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", path)


def corpus_dir():
    """../shared/corpus, found like tests/corpus.cc does; raises if absent."""
    env = os.environ.get("COV_CORPUS_DIR")
    if env and os.path.isdir(env):
        return env
    readme = os.path.realpath(runfile("README.md"))
    d = os.path.dirname(readme)
    for _ in range(8):
        c = os.path.join(d, "..", "shared", "corpus")
        if os.path.isdir(c):
            return os.path.abspath(c)
        d = os.path.dirname(d)
    if os.path.isdir("/work/shared/corpus"):
        return "/work/shared/corpus"
    raise RuntimeError("corpus not found; set COV_CORPUS_DIR")


class Covd:
    """covd --db DIR --listen HOST:0; `address` (on loopback) once started."""

    def __init__(self, db_dir=None, extra_args=(), host="127.0.0.1"):
        self.db = db_dir or tempfile.mkdtemp(prefix="covdb-", dir=os.environ.get("TEST_TMPDIR"))
        self.extra_args = list(extra_args)  # more covd flags, after the defaults
        self.host = host  # where covd listens; tests reach it on loopback
        self.proc = None
        self.address = None
        self.log_path = os.path.join(self.db + ".log")

    def start(self):
        port_file = self.db + ".port"
        if os.path.exists(port_file):
            os.remove(port_file)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [runfile("server/covd"), "--db", self.db, "--listen", f"{self.host}:0",
             "--port_file", port_file, *self.extra_args],
            stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if os.path.exists(port_file):
                with open(port_file) as f:
                    self.address = "127.0.0.1:" + f.read().strip()
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("covd exited: " + self.log())
            time.sleep(0.02)
        raise RuntimeError("covd did not start: " + self.log())

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            rc = self.proc.wait(timeout=20)
        else:
            rc = self.proc.returncode if self.proc else None
        if self.proc:
            self._log.close()
        return rc

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""
