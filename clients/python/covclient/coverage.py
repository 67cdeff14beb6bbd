"""Coverage RPCs of covclient.Client: coverage, gaps, exports (Navigator
layer, CSV, HTML report, Excel) and profile inference."""

from __future__ import annotations

from typing import Any, Iterable

from cov.v1 import coverage_pb2

from covclient.rpc import RpcBase

class CoverageMixin(RpcBase):
    """Coverage RPCs of covclient.Client."""

    def coverage(self, profile: str | coverage_pb2.Profile | None = None,
                 by: str = "tactic", rollup: bool = False,
                 tactic_context: bool = False, include_disabled: bool = False,
                 rules_per_technique: int = 0, attack_version: str | None = None,
                 domain: str | None = None, summary: bool = False,
                 evidence: str = "") -> coverage_pb2.CoverageResponse:
        """Per-tactic and per-technique coverage (GetCoverage); summary=True
        returns the per-tactic totals only; evidence="validated" counts only
        proven detections; by="killchain" also fills `phases` (the seven
        Cyber Kill Chain phases, deploy/profiles/killchain-mapping.md)."""
        opts = self._options(profile, rollup, tactic_context, include_disabled)
        opts.evidence = evidence
        return self._call(self._stub.GetCoverage, coverage_pb2.CoverageRequest(
            release=self._release(attack_version, domain), options=opts,
            by=by, rules_per_technique=rules_per_technique, summary=summary))

    def gaps(self, profile: str | coverage_pb2.Profile | None = None,
             groups: Iterable[str] | None = None, top: int = 0, rollup: bool = False,
             tactic_context: bool = False, include_disabled: bool = False,
             procedures_per_gap: int = 0, attack_version: str | None = None,
             domain: str | None = None) -> coverage_pb2.GapsResponse:
        """Uncovered techniques in reach, ranked (GetGaps)."""
        return self._call(self._stub.GetGaps, coverage_pb2.GapsRequest(
            release=self._release(attack_version, domain),
            options=self._options(profile, rollup, tactic_context, include_disabled),
            groups=list(groups or []), top=top,
            procedures_per_gap=procedures_per_gap))

    def layer(self, kind: str = "coverage", fmt: str = "json",
              profile: str | coverage_pb2.Profile | None = None,
              rollup: bool = False, tactic_context: bool = False,
              include_unreachable: bool = False, name: str = "",
              attack_version: str | None = None, domain: str | None = None) -> bytes:
        """An export (ExportLayer): kind "coverage"|"gaps"; fmt "json"
        (ATT&CK Navigator layer 4.5), "csv", "html" (coverage report) or
        "xlsx" (Excel workbook). Returns the document's bytes."""
        r = self._call(self._stub.ExportLayer, coverage_pb2.LayerRequest(
            release=self._release(attack_version, domain),
            options=self._options(profile, rollup, tactic_context),
            kind=kind, format=fmt, name=name,
            include_unreachable=include_unreachable))
        return r.content

    def report(self, profile: str | coverage_pb2.Profile | None = None,
               name: str = "", **kw: Any) -> bytes:
        """The self-contained HTML coverage report, as bytes; keywords as in
        layer()."""
        return self.layer("coverage", "html", profile, name=name, **kw)

    def infer_profile(self, sources: Iterable[str] | None = None, name: str = "",
                      attack_version: str | None = None
                      ) -> coverage_pb2.InferProfileResponse:
        """Proposes a profile from the rules of `sources` (InferProfile);
        the response's `yaml` field is ready to save."""
        return self._call(self._stub.InferProfile, coverage_pb2.InferProfileRequest(
            sources=list(sources or []), name=name,
            release=self._release(attack_version, None)))
