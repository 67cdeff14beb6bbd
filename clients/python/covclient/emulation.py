"""Emulation and validation RPCs of covclient.Client: the Atomic Red Team
and CTID library, emulation plans, and experiments with their results."""

from __future__ import annotations

import os
from typing import Any, Iterable, Sequence

from cov.v1 import emulation_pb2

from covclient.rpc import RpcBase


class EmulationMixin(RpcBase):
    """Emulation-library, plan and experiment RPCs of covclient.Client."""

    def ingest_library(self, kind: str, path: str, source: str | None = None
                       ) -> emulation_pb2.IngestLibraryResponse:
        """Ingests Atomic Red Team atomics (kind "atomics") or CTID plans
        ("plans") from a folder covd can read (IngestLibrary)."""
        return self._call(self._stub.IngestLibrary, emulation_pb2.IngestLibraryRequest(
            kind=kind, path=os.path.abspath(path), source=source or ""),
            timeout=max(self.timeout, 300))

    @staticmethod
    def plan_request(group: str | None = None, software: str | None = None,
                     campaign: str | None = None,
                     techniques: Sequence[str] | None = None,
                     ctid_plan: str | None = None, platform: str = "",
                     include_campaigns: bool = False,
                     attack_version: str | None = None) -> emulation_pb2.PlanRequest:
        """A PlanRequest with exactly one subject (ValueError otherwise)."""
        req = emulation_pb2.PlanRequest(platform=platform or "",
                                        include_campaigns=include_campaigns,
                                        release=RpcBase._release(attack_version, None))
        given = [x for x in (group, software, campaign, techniques, ctid_plan) if x]
        if len(given) != 1:
            raise ValueError("give exactly one of group, software, campaign, "
                             "techniques, ctid_plan")
        if group:
            req.group = group
        elif software:
            req.software = software
        elif campaign:
            req.campaign = campaign
        elif techniques:
            req.techniques.ids.extend(techniques)
        else:
            req.ctid_plan = ctid_plan
        return req

    def plan(self, fmt: str = "", **subject: Any) -> emulation_pb2.PlanResponse:
        """An emulation plan (GetPlan); keywords as in plan_request(). With
        fmt "yaml" (CTID plan), "layer" (Navigator layer) or "markdown"
        (runbook) covd also renders it into the response's `rendered` text,
        the same text `cov plan --format FMT` prints; with fmt "xlsx" the
        response's `workbook` holds an Excel workbook instead."""
        req = self.plan_request(**subject)
        req.format = fmt or ""
        return self._call(self._stub.GetPlan, req)

    def start_experiment(self, name: str, since: float = 0, until: float = 0,
                         **subject: Any) -> emulation_pb2.Experiment:
        """Starts an experiment (StartExperiment); since/until are unix
        seconds bounding the alert window (default: now, open); the subject
        keywords are those of plan_request()."""
        return self._call(self._stub.StartExperiment, emulation_pb2.StartExperimentRequest(
            plan=self.plan_request(**subject), name=name,
            started_at_unix=int(since), ended_at_unix=int(until)))

    def record(self, experiment_id: str, technique: str, outcome: str,
               test_guid: str = "", rules: Iterable[str] = (), note: str = ""
               ) -> emulation_pb2.Experiment:
        """Records one result by hand (RecordResult)."""
        return self._call(self._stub.RecordResult, emulation_pb2.RecordResultRequest(
            experiment_id=experiment_id,
            result=emulation_pb2.ExperimentResult(
                technique_id=technique, outcome=outcome, test_guid=test_guid,
                rule_uids=list(rules), note=note)))

    def import_alerts(self, experiment_id: str, path: str, fmt: str = "eve"
                      ) -> emulation_pb2.ImportAlertsResponse:
        """Imports an alert file: fmt "eve" (Suricata EVE JSON) or "jsonl"."""
        with open(path, "rb") as f:
            content = f.read()
        return self._call(self._stub.ImportAlerts, emulation_pb2.ImportAlertsRequest(
            experiment_id=experiment_id, format=fmt, content=content,
            file_name=os.path.basename(path)), timeout=max(self.timeout, 300))

    def experiment(self, experiment_id: str) -> emulation_pb2.Experiment:
        """One experiment with its plan, results and current evidence."""
        return self._call(self._stub.GetExperiment,
                          emulation_pb2.GetExperimentRequest(id=experiment_id))

    def experiments(self) -> emulation_pb2.ListExperimentsResponse:
        """All experiments, without plans and results (ListExperiments)."""
        return self._call(self._stub.ListExperiments, emulation_pb2.ListExperimentsRequest())

    def delete_experiment(self, experiment_id: str
                          ) -> emulation_pb2.DeleteExperimentResponse:
        """Removes an experiment and its results (DeleteExperiment; write token).

        Its results stop counting as validated evidence at once. Returns the
        experiment summarised and how many results it held; NOT_FOUND for an
        unknown ID.
        """
        return self._call(self._stub.DeleteExperiment,
                          emulation_pb2.DeleteExperimentRequest(id=experiment_id))
