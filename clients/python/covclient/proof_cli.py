"""`python3 -m covclient` subcommands of proven coverage: replay,
replay-experiment, replay-datasets, scan, scan-experiment (see cli.py)."""

from __future__ import annotations

import argparse
from typing import Callable

from covclient.client import Client


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Adds the proven-coverage subcommands to the CLI's subparsers."""
    s = sub.add_parser(
        "replay", help="run the stored Sigma rules on recorded event logs",
        description="Evaluates stored Sigma rules on .evtx, evtx_dump JSON, JSON "
                    "lines, .zip archives of them or folders. Paths are read by "
                    "covd (under its --ingest_root) unless --upload.")
    s.add_argument("logs", nargs="+")
    _replay_flags(s)
    s = sub.add_parser(
        "replay-experiment",
        help="replay logs for an experiment; record detected/missed")
    s.add_argument("experiment")
    s.add_argument("logs", nargs="+")
    _replay_flags(s)
    s = sub.add_parser(
        "replay-datasets",
        help="OTRF Security-Datasets metadata as ready-made experiments")
    s.add_argument("metadata", nargs="+", help="metadata YAML files or folders")
    s.add_argument("--source", action="append", default=[])
    s.add_argument("--profile")
    s.add_argument("--record", action="store_true",
                   help="also record each dataset as an experiment")
    s = sub.add_parser("scan", help="run a YARA source's stored rules on files")
    s.add_argument("paths", nargs="+")
    _scan_flags(s)
    s = sub.add_parser("scan-experiment", help="a YARA scan as experiment evidence")
    s.add_argument("experiment")
    s.add_argument("paths", nargs="+")
    _scan_flags(s)


def _replay_flags(s: argparse.ArgumentParser) -> None:
    s.add_argument("--source", action="append", default=[],
                   help="rule source (repeatable; default all Sigma sources)")
    s.add_argument("--profile", help="profile YAML file (sources, status/level floors)")
    s.add_argument("--max-examples", dest="max_examples", type=int, default=3)
    s.add_argument("--upload", action="store_true",
                   help="send the files' contents instead of their paths")


def _scan_flags(s: argparse.ArgumentParser) -> None:
    s.add_argument("--source", required=True, help="the YARA rule source")
    s.add_argument("--upload", action="store_true")
    s.add_argument("--max-file-mb", dest="max_file_mb", type=int, default=64)
    s.add_argument("--scan-timeout", dest="scan_timeout", type=int, default=10)


PROOF_COMMANDS: dict[str, Callable[[Client, argparse.Namespace], object]] = {
    "replay": lambda c, a: c.replay(a.logs, a.source, a.profile, a.max_examples,
                                    a.upload, a.attack_version),
    "replay-experiment": lambda c, a: c.replay_experiment(
        a.experiment, a.logs, a.source, a.profile, a.upload),
    "replay-datasets": lambda c, a: c.replay_datasets(
        a.metadata, a.source, a.profile, a.record, a.attack_version),
    "scan": lambda c, a: c.scan(a.source, a.paths, a.upload, a.max_file_mb,
                                a.scan_timeout, a.attack_version),
    "scan-experiment": lambda c, a: c.scan_experiment(
        a.experiment, a.source, a.paths, a.upload, a.max_file_mb, a.scan_timeout),
}
