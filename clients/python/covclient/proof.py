"""Proven coverage: stored rules run on recorded attack telemetry.

Mixed into covclient.Client (the methods call its _stub/_call helpers):
replay (Sigma rules on event logs), replay_experiment, replay_datasets
(OTRF Security-Datasets metadata as ready-made experiments), scan (YARA
rules on files) and scan_experiment. Paths are read by covd itself (under
its --ingest_root) unless upload=True, which sends the files' contents.
"""

from __future__ import annotations

import os
from typing import Iterable, Sequence

from cov.v1 import replay_pb2


def _log_files(paths: Iterable[str]) -> list[replay_pb2.LogFile]:
    """The files under `paths` (folders walked, hidden folders skipped), sorted."""
    out = []
    for path in paths:
        if os.path.isdir(path):
            names = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                names += [os.path.join(root, f) for f in files
                          if not os.path.islink(os.path.join(root, f))]
            for name in sorted(names):
                with open(name, "rb") as f:
                    out.append(replay_pb2.LogFile(name=name, content=f.read()))
        else:
            with open(path, "rb") as f:
                out.append(replay_pb2.LogFile(name=path, content=f.read()))
    return out


class ProofMixin:
    """Replay and scan RPCs of covclient.Client."""

    _LONG = 3600

    def _replay_input(self, logs: Sequence[str], sources: Sequence[str] = (),
                      profile: str | None = None, max_examples: int = 3,
                      upload: bool = False,
                      include_disabled: bool = False) -> replay_pb2.ReplayInput:
        inp = replay_pb2.ReplayInput(
            sources=list(sources), max_examples=max_examples,
            options=self._options(profile=profile,
                                  include_disabled=include_disabled))
        if upload:
            inp.files.extend(_log_files(logs))
        else:
            inp.paths.extend(os.path.abspath(p) for p in logs)
        return inp

    def replay(self, logs: Sequence[str], sources: Sequence[str] = (),
               profile: str | None = None, max_examples: int = 3,
               upload: bool = False, attack_version: str | None = None,
               include_disabled: bool = False) -> replay_pb2.ReplayResponse:
        """Runs the stored Sigma rules on event logs (Replay).

        `logs`: .evtx, evtx_dump JSON, JSON lines, .zip of them or folders.
        Returns per rule the matching events (matches, examples), per
        technique whether a rule fired, the rules not evaluable and why, and
        the problems found in the logs (diagnostics).
        """
        req = replay_pb2.ReplayRequest(
            release=self._release(attack_version),
            input=self._replay_input(logs, sources, profile, max_examples,
                                     upload, include_disabled))
        return self._call(self._stub.Replay, req, timeout=max(self.timeout, self._LONG))

    def replay_experiment(self, experiment_id: str, logs: Sequence[str],
                          sources: Sequence[str] = (), profile: str | None = None,
                          upload: bool = False
                          ) -> replay_pb2.ReplayExperimentResponse:
        """Replays logs for an experiment and records detected/missed per
        planned technique (ReplayExperiment)."""
        req = replay_pb2.ReplayExperimentRequest(
            experiment_id=experiment_id,
            input=self._replay_input(logs, sources, profile, 3, upload))
        return self._call(self._stub.ReplayExperiment, req,
                          timeout=max(self.timeout, self._LONG))

    def replay_datasets(self, metadata: Sequence[str], sources: Sequence[str] = (),
                        profile: str | None = None, record: bool = False,
                        attack_version: str | None = None
                        ) -> replay_pb2.ReplayDatasetsResponse:
        """OTRF Security-Datasets metadata files or folders as experiments
        (ReplayDatasets): per dataset planned, detected, missed, rules fired."""
        req = replay_pb2.ReplayDatasetsRequest(
            release=self._release(attack_version),
            paths=[os.path.abspath(p) for p in metadata],
            input=self._replay_input((), sources, profile),
            record_experiments=record)
        return self._call(self._stub.ReplayDatasets, req,
                          timeout=max(self.timeout, self._LONG))

    def _scan_request(self, source: str, paths: Sequence[str], upload: bool,
                      max_file_mb: int, timeout_seconds: int,
                      attack_version: str | None = None) -> replay_pb2.ScanRequest:
        req = replay_pb2.ScanRequest(
            release=self._release(attack_version), source=source,
            max_file_bytes=max_file_mb << 20, timeout_seconds=timeout_seconds)
        if upload:
            req.files.extend(_log_files(paths))
        else:
            req.paths.extend(os.path.abspath(p) for p in paths)
        return req

    def scan(self, source: str, paths: Sequence[str], upload: bool = False,
             max_file_mb: int = 64, timeout_seconds: int = 10,
             attack_version: str | None = None) -> replay_pb2.ScanResponse:
        """Scans files with the stored rules of YARA source `source` (Scan)."""
        return self._call(self._stub.Scan,
                          self._scan_request(source, paths, upload, max_file_mb,
                                             timeout_seconds, attack_version),
                          timeout=max(self.timeout, self._LONG))

    def scan_experiment(self, experiment_id: str, source: str, paths: Sequence[str],
                        upload: bool = False, max_file_mb: int = 64,
                        timeout_seconds: int = 10
                        ) -> replay_pb2.ScanExperimentResponse:
        """A YARA scan recorded as experiment evidence (ScanExperiment)."""
        req = replay_pb2.ScanExperimentRequest(
            experiment_id=experiment_id,
            scan=self._scan_request(source, paths, upload, max_file_mb,
                                    timeout_seconds))
        return self._call(self._stub.ScanExperiment, req,
                          timeout=max(self.timeout, self._LONG))
