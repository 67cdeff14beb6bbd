"""Client: the connection to covd and one method per RPC (see covclient)."""


from __future__ import annotations

import os

import grpc
from google.protobuf import json_format
from google.protobuf.message import Message

from cov.v1 import admin_pb2
from cov.v1 import attack_pb2
from cov.v1 import check_pb2
from cov.v1 import coverage_pb2
from cov.v1 import emulation_pb2
from cov.v1 import cov_pb2
from cov.v1 import cov_pb2_grpc
from cov.v1 import rule_formats
from cov.v1 import rules_pb2

from covclient.channel import credentials, open_channel
from covclient.errors import CovError
from covclient.proof import ProofMixin

# Rule-format names (and aliases) -> RuleFormat, from the table the C++ CLI
# shares (proto/rule_formats.txt).
FORMATS = {
    name: rules_pb2.RuleFormat.Value(enum)
    for enum, primary, aliases, _, _ in rule_formats.RULE_FORMATS
    for name in (primary, *aliases)
}
# File extensions of rule files (what check/fix read from a folder).
RULE_EXTENSIONS = tuple(
    ext for _, _, _, exts, _ in rule_formats.RULE_FORMATS for ext in exts)

DEFAULT_SERVER = "127.0.0.1:8470"

# Answers to a path sent to a loopback covd after which the client uploads
# the bytes: refused by --ingest_root, another file there, not visible.
_UPLOAD_INSTEAD = ("PERMISSION_DENIED", "FAILED_PRECONDITION", "NOT_FOUND")


def is_loopback(address: str) -> bool:
    """True when the gRPC target `address` is this host: 127.0.0.0/8,
    localhost, [::1] or a unix: socket (covd then shares our files)."""
    target = address
    for scheme in ("dns:///", "ipv4:", "ipv6:"):
        if target.startswith(scheme):
            target = target[len(scheme):]
    if target.startswith("unix:"):
        return True
    if target.startswith("["):
        host = target[1:target.find("]")] if "]" in target else target
    else:
        host = target.rsplit(":", 1)[0] if target.count(":") == 1 else target
    return host in ("localhost", "::1") or host.startswith("127.")


class Client(ProofMixin):
    """Connection to one covd. Thread-safe (gRPC channels are)."""

    def __init__(self, address: str | None = None, timeout: float = 60.0,
                 token: str | None = None, token_file: str | None = None,
                 tls_ca: str | None = None, cert: str | None = None,
                 key: str | None = None, tls_server_name: str | None = None,
                 round_robin: bool = False) -> None:
        """`address` is host:port or any gRPC target. With round_robin=True
        calls are spread over every address the target resolves to (e.g.
        "dns:///covd.cov.svc.cluster.local:8470", a headless Service of read
        replicas, or "ipv4:127.0.0.1:8471,127.0.0.1:8472") and a call that
        finds its replica gone (UNAVAILABLE) is retried on another."""
        self.address = address or os.environ.get("COV_SERVER") or DEFAULT_SERVER
        # Every RPC gets a deadline; None or 0 would mean none.
        self.timeout = timeout if timeout else 60.0
        self._channel, channel = open_channel(
            self.address, token, token_file, tls_ca, cert, key,
            tls_server_name, round_robin)
        self._stub = cov_pb2_grpc.CovServiceStub(channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- helpers ---------------------------------------------------------------

    @staticmethod
    def to_dict(message: Message) -> dict:
        """The proto3 JSON mapping of a response (what `cov --format json` prints)."""
        return json_format.MessageToDict(
            message, including_default_value_fields=True
        )

    @staticmethod
    def _release(attack_version=None, domain=None):
        return attack_pb2.ReleaseRef(version=attack_version or "", domain=domain or "")

    def _call(self, method, request, timeout=None):
        try:
            return method(request, timeout=timeout or self.timeout)
        except grpc.RpcError as e:  # pylint: disable=no-member
            raise CovError(e.code().name, e.details()) from None

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Blocks until the server accepts connections (or raises CovError)."""
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise CovError("UNAVAILABLE", f"covd at {self.address} not reachable") from None

    # -- knowledge base ----------------------------------------------------------

    def ingest_attack(self, path, version=None, make_default=False, server_path=False,
                      upload=False):
        """Loads a STIX bundle as one ATT&CK release (IngestAttack).

        With a loopback covd (127.0.0.1, localhost, [::1], unix:) the absolute
        path is sent with the file's size and mtime and covd reads the file
        itself; when it may not (--ingest_root) or sees another file there,
        the bytes are uploaded instead. upload=True always uploads;
        server_path=True always sends the path (covd must see the file).
        """
        timeout = max(self.timeout, 300)
        base = cov_pb2.IngestAttackRequest(version=version or "", make_default=make_default)
        if server_path:
            req = cov_pb2.IngestAttackRequest()
            req.CopyFrom(base)
            req.path = os.path.abspath(path)
            return self._call(self._stub.IngestAttack, req, timeout=timeout)
        if not upload and is_loopback(self.address):
            st = os.stat(path)
            req = cov_pb2.IngestAttackRequest()
            req.CopyFrom(base)
            req.path = os.path.realpath(path)
            req.file_name = os.path.basename(path)
            req.expected_size = st.st_size
            req.expected_mtime_unix_ns = st.st_mtime_ns
            try:
                return self._call(self._stub.IngestAttack, req, timeout=timeout)
            except CovError as e:
                if e.code not in _UPLOAD_INSTEAD:
                    raise
        with open(path, "rb") as f:
            base.content = f.read()
        base.file_name = os.path.basename(path)
        return self._call(self._stub.IngestAttack, base, timeout=timeout)

    def releases(self) -> cov_pb2.ListReleasesResponse:
        """Stored releases (ListReleases)."""
        return self._call(self._stub.ListReleases, cov_pb2.ListReleasesRequest())

    def set_default(self, version, domain=None):
        """Makes a stored release the default (SetDefaultRelease)."""
        return self._call(
            self._stub.SetDefaultRelease,
            cov_pb2.SetDefaultReleaseRequest(release=self._release(version, domain)),
        )

    @staticmethod
    def _release_arg(release, domain=None):
        """ReleaseRef of "enterprise-attack@17.1", or of "17.1" and `domain`."""
        if "@" in release:
            domain, release = release.split("@", 1)
        return attack_pb2.ReleaseRef(version=release, domain=domain or "")

    def delete_release(self, release, new_default=None, domain=None
                       ) -> cov_pb2.DeleteReleaseResponse:
        """Removes a stored ATT&CK release atomically (DeleteRelease; admin token).

        `release` and `new_default` are "DOMAIN@VERSION" or "VERSION" (in
        `domain`, else the default domain). The store default, or the default
        of a domain keeping other releases, is refused (FAILED_PRECONDITION)
        unless `new_default` names the stored release that replaces it.
        Returns the removed release, the new default (if one moved) and the
        releases remaining.
        """
        req = cov_pb2.DeleteReleaseRequest(release=self._release_arg(release, domain))
        if new_default:
            req.new_default.CopyFrom(self._release_arg(new_default, domain))
        return self._call(self._stub.DeleteRelease, req)

    def technique(self, technique_id: str, attack_version: str | None = None,
                  domain: str | None = None) -> attack_pb2.Technique:
        """One technique; a revoked ID comes back with revoked_by set."""
        return self._call(
            self._stub.GetTechnique,
            cov_pb2.GetTechniqueRequest(
                id=technique_id, release=self._release(attack_version, domain)
            ),
        )

    def actor(self, query, attack_version=None, domain=None):
        """A group, software or campaign by ID, name or alias (GetActor)."""
        return self._call(
            self._stub.GetActor,
            cov_pb2.GetActorRequest(id=query, release=self._release(attack_version, domain)),
        )

    def search(self, query, kinds=None, limit=20, include_inactive=False,
               attack_version=None, domain=None):
        """Full-text search (Search)."""
        return self._call(
            self._stub.Search,
            cov_pb2.SearchRequest(
                query=query,
                kinds=list(kinds or []),
                limit=limit,
                include_inactive=include_inactive,
                release=self._release(attack_version, domain),
            ),
        )

    def stats(self) -> cov_pb2.Stats:
        """Store and server statistics (GetStats)."""
        return self._call(self._stub.GetStats, cov_pb2.GetStatsRequest())

    # -- rules -------------------------------------------------------------------

    def ingest_rules(self, fmt: str, path: str, source: str | None = None,
                     attack_version: str | None = None,
                     domain: str | None = None,
                     min_score: float = 0) -> cov_pb2.IngestRulesResponse:
        """Ingests a rule folder as a named source (IngestRules).

        fmt is a rule-format name ("sigma", "suricata", "yara", "elastic",
        "splunk", "sentinel", "layer", ...); covd reads `path` (made absolute
        here), so client and server must share the file system. min_score:
        Navigator layers only, the lowest score that counts (0: above 0).
        """
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {sorted(FORMATS)}, not {fmt!r}")
        req = cov_pb2.IngestRulesRequest(
            format=FORMATS[fmt], path=os.path.abspath(path), source=source or "",
            release=self._release(attack_version, domain), min_score=min_score)
        return self._call(self._stub.IngestRules, req, timeout=max(self.timeout, 600))

    def delete_source(self, name: str) -> cov_pb2.DeleteSourceResponse:
        """Removes a rule source and all its rules (DeleteSource)."""
        return self._call(self._stub.DeleteSource, cov_pb2.DeleteSourceRequest(name=name))

    def sources(self):
        """Rule sources (ListSources)."""
        return self._call(self._stub.ListSources, cov_pb2.ListSourcesRequest())

    def errors(self, source):
        """Diagnostics of a source's last ingest (ListRuleErrors)."""
        return self._call(self._stub.ListRuleErrors,
                          cov_pb2.ListRuleErrorsRequest(source=source))

    def rules(self, source=None, technique=None, page_size=100, page_token=""):
        """One page of rules (ListRules); see iter_rules for all of them."""
        return self._call(self._stub.ListRules, cov_pb2.ListRulesRequest(
            source=source or "", technique_id=technique or "",
            page_size=page_size, page_token=page_token))

    def iter_rules(self, source=None, technique=None, page_size=500):
        """Every rule matching the filters, following page tokens."""
        token = ""
        while True:
            page = self.rules(source, technique, page_size, token)
            yield from page.rules
            token = page.next_page_token
            if not token:
                return

    # -- coverage ----------------------------------------------------------------

    @staticmethod
    def _options(profile=None, rollup=False, tactic_context=False, include_disabled=False):
        """CoverageOptions; `profile` is a path to a profile YAML file, the
        YAML text itself (when it contains a newline), or a Profile message."""
        opts = coverage_pb2.CoverageOptions(
            rollup=rollup, tactic_context=tactic_context,
            include_disabled=include_disabled)
        if isinstance(profile, coverage_pb2.Profile):
            opts.profile.CopyFrom(profile)
        elif isinstance(profile, str) and "\n" in profile:
            opts.profile_yaml = profile
            opts.profile_file_name = "<profile>"
        elif profile:
            with open(profile, encoding="utf-8") as f:
                opts.profile_yaml = f.read()
            opts.profile_file_name = os.path.basename(profile)
        return opts

    def coverage(self, profile=None, by="tactic", rollup=False, tactic_context=False,
                 include_disabled=False, rules_per_technique=0,
                 attack_version=None, domain=None, summary=False, evidence=""):
        """Per-tactic and per-technique coverage (GetCoverage); summary=True
        returns the per-tactic totals only; evidence="validated" counts only
        proven detections; by="killchain" also fills `phases` (the seven
        Cyber Kill Chain phases, deploy/profiles/killchain-mapping.md)."""
        opts = self._options(profile, rollup, tactic_context, include_disabled)
        opts.evidence = evidence
        return self._call(self._stub.GetCoverage, coverage_pb2.CoverageRequest(
            release=self._release(attack_version, domain), options=opts,
            by=by, rules_per_technique=rules_per_technique, summary=summary))

    def layer(self, kind="coverage", fmt="json", profile=None, rollup=False,
              tactic_context=False, include_unreachable=False, name="",
              attack_version=None, domain=None):
        """An export (ExportLayer): kind "coverage"|"gaps"; fmt "json"
        (ATT&CK Navigator layer 4.5), "csv", "html" (coverage report) or
        "xlsx" (Excel workbook). Returns the document's bytes."""
        r = self._call(self._stub.ExportLayer, coverage_pb2.LayerRequest(
            release=self._release(attack_version, domain),
            options=self._options(profile, rollup, tactic_context),
            kind=kind, format=fmt, name=name,
            include_unreachable=include_unreachable))
        return r.content

    def report(self, profile=None, name="", **kw):
        """The self-contained HTML coverage report, as bytes."""
        return self.layer("coverage", "html", profile, name=name, **kw)

    def infer_profile(self, sources=None, name="", attack_version=None):
        """Proposes a profile from the rules of `sources` (InferProfile);
        the response's `yaml` field is ready to save."""
        return self._call(self._stub.InferProfile, coverage_pb2.InferProfileRequest(
            sources=list(sources or []), name=name,
            release=self._release(attack_version, None)))

    # -- emulation and validation ------------------------------------------------

    def ingest_library(self, kind, path, source=None):
        """Ingests Atomic Red Team atomics (kind "atomics") or CTID plans
        ("plans") from a folder covd can read (IngestLibrary)."""
        return self._call(self._stub.IngestLibrary, emulation_pb2.IngestLibraryRequest(
            kind=kind, path=os.path.abspath(path), source=source or ""),
            timeout=max(self.timeout, 300))

    @staticmethod
    def plan_request(group=None, software=None, campaign=None, techniques=None,
                     ctid_plan=None, platform="", include_campaigns=False,
                     attack_version=None):
        """A PlanRequest with exactly one subject."""
        req = emulation_pb2.PlanRequest(platform=platform or "",
                                        include_campaigns=include_campaigns,
                                        release=Client._release(attack_version, None))
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

    def plan(self, fmt: str = "", **subject) -> emulation_pb2.PlanResponse:
        """An emulation plan (GetPlan); keywords as in plan_request(). With
        fmt "yaml" (CTID plan), "layer" (Navigator layer) or "markdown"
        (runbook) covd also renders it into the response's `rendered` text,
        the same text `cov plan --format FMT` prints; with fmt "xlsx" the
        response's `workbook` holds an Excel workbook instead."""
        req = self.plan_request(**subject)
        req.format = fmt or ""
        return self._call(self._stub.GetPlan, req)

    def start_experiment(self, name, since=0, until=0, **subject):
        """Starts an experiment (StartExperiment); since/until are unix
        seconds bounding the alert window (default: now, open)."""
        return self._call(self._stub.StartExperiment, emulation_pb2.StartExperimentRequest(
            plan=self.plan_request(**subject), name=name,
            started_at_unix=int(since), ended_at_unix=int(until)))

    def record(self, experiment_id, technique, outcome, test_guid="", rules=(), note=""):
        """Records one result by hand (RecordResult)."""
        return self._call(self._stub.RecordResult, emulation_pb2.RecordResultRequest(
            experiment_id=experiment_id,
            result=emulation_pb2.ExperimentResult(
                technique_id=technique, outcome=outcome, test_guid=test_guid,
                rule_uids=list(rules), note=note)))

    def import_alerts(self, experiment_id, path, fmt="eve"):
        """Imports an alert file: fmt "eve" (Suricata EVE JSON) or "jsonl"."""
        with open(path, "rb") as f:
            content = f.read()
        return self._call(self._stub.ImportAlerts, emulation_pb2.ImportAlertsRequest(
            experiment_id=experiment_id, format=fmt, content=content,
            file_name=os.path.basename(path)), timeout=max(self.timeout, 300))

    def experiment(self, experiment_id):
        """One experiment with its plan, results and current evidence."""
        return self._call(self._stub.GetExperiment,
                          emulation_pb2.GetExperimentRequest(id=experiment_id))

    def experiments(self):
        """All experiments, without plans and results (ListExperiments)."""
        return self._call(self._stub.ListExperiments, emulation_pb2.ListExperimentsRequest())

    def delete_experiment(self, experiment_id) -> emulation_pb2.DeleteExperimentResponse:
        """Removes an experiment and its results (DeleteExperiment; write token).

        Its results stop counting as validated evidence at once. Returns the
        experiment summarised and how many results it held; NOT_FOUND for an
        unknown ID.
        """
        return self._call(self._stub.DeleteExperiment,
                          emulation_pb2.DeleteExperimentRequest(id=experiment_id))

    # -- administration (admin token) ----------------------------------------------

    def backup(self, to, keep=0):
        """Backs up the live store into the server directory `to` (CreateBackup).

        Incremental and checksummed (RocksDB BackupEngine); `keep` > 0 then
        deletes all but the newest `keep` backups. Returns the new backup and
        the directory's list.
        """
        return self._call(self._stub.CreateBackup,
                          admin_pb2.CreateBackupRequest(backup_dir=to, keep=keep),
                          timeout=max(self.timeout, 600))

    def backups(self, from_dir=None):
        """The backups of a server directory (default: covd's --snapshot_from)."""
        return self._call(self._stub.ListBackups,
                          admin_pb2.ListBackupsRequest(backup_dir=from_dir or ""))

    def restore(self, from_dir, backup_id=0):
        """Verifies backup `backup_id` (0: latest) and swaps it in live.

        The previous store is kept aside (response.previous_store).
        """
        if not from_dir:
            raise ValueError("restore needs the backup directory (replicas: reload())")
        return self._call(self._stub.RestoreBackup,
                          admin_pb2.RestoreBackupRequest(backup_dir=from_dir,
                                                         backup_id=backup_id),
                          timeout=max(self.timeout, 600))

    def reload(self):
        """Replica: loads the newest backup of covd's --snapshot_from if newer."""
        return self._call(self._stub.RestoreBackup,
                          admin_pb2.RestoreBackupRequest(only_if_newer=True),
                          timeout=max(self.timeout, 600))

    # -- CI checks ----------------------------------------------------------------

    RULE_EXTENSIONS = RULE_EXTENSIONS

    @classmethod
    def read_rule_files(cls, paths, root_prefix=None, rule_format=None):
        """RuleFile messages for every rule file under `paths` (files or folders).

        rule_format: a name of FORMATS read for every file (Splunk and
        Sentinel YAML need it); None: covd decides from the extension.
        """
        if rule_format is not None and rule_format not in FORMATS:
            raise ValueError(
                f"rule_format must be one of {sorted(FORMATS)}, not {rule_format!r}")
        fmt = FORMATS[rule_format] if rule_format else 0
        out = []
        for path in paths:
            if os.path.isfile(path):
                items = [(path, path)]
            else:
                items = []
                for dirpath, dirs, files in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        if name.lower().endswith(cls.RULE_EXTENSIONS):
                            full = os.path.join(dirpath, name)
                            items.append((full, os.path.relpath(full, root_prefix or ".")))
            for full, shown in items:
                with open(full, "rb") as f:
                    out.append(check_pb2.RuleFile(path=shown, content=f.read(),
                                                  format=fmt))
        return out

    def check(self, paths, base_dir=None, profile=None, fail_on="error",
              output_format="", allow_regression=(), flag_parent_and_sub=False,
              attack_version=None, rule_format=None):
        """Lints rule files and gates coverage regressions (CheckRules).

        `paths` are files/folders relative to the current directory;
        `base_dir` is another checkout holding the same paths (the base
        revision). Returns the CheckResponse (`failed`, `findings`, `delta`,
        and `rendered` when output_format is text/json/sarif/junit/github).
        """
        req = check_pb2.CheckRequest(
            release=self._release(attack_version, None),
            files=self.read_rule_files(paths, rule_format=rule_format),
            options=self._options(profile), fail_on=fail_on,
            output_format=output_format, allow_regression=list(allow_regression),
            flag_parent_and_sub=flag_parent_and_sub)
        if base_dir:
            for p in paths:
                sub = os.path.join(base_dir, p)
                if os.path.exists(sub):
                    for f in self.read_rule_files([sub], root_prefix=base_dir,
                                                  rule_format=rule_format):
                        req.base_files.append(f)
        return self._call(self._stub.CheckRules, req, timeout=max(self.timeout, 300))

    def fix_revoked(self, paths, write=False, attack_version=None, rule_format=None):
        """Rewrites revoked ATT&CK IDs (FixRules); with write=True the files
        are updated in place. Returns the FixResponse (files with diffs,
        changes with notes, and the references left as they were in
        `skipped`). rule_format: as in read_rule_files."""
        req = check_pb2.FixRequest(release=self._release(attack_version, None),
                                   files=self.read_rule_files(paths,
                                                              rule_format=rule_format))
        r = self._call(self._stub.FixRules, req, timeout=max(self.timeout, 300))
        if write:
            for f in r.files:
                if f.changed:
                    with open(f.path, "wb") as out:
                        out.write(f.content)
        return r

    def gaps(self, profile=None, groups=None, top=0, rollup=False,
             tactic_context=False, include_disabled=False, procedures_per_gap=0,
             attack_version=None, domain=None):
        """Uncovered techniques in reach, ranked (GetGaps)."""
        return self._call(self._stub.GetGaps, coverage_pb2.GapsRequest(
            release=self._release(attack_version, domain),
            options=self._options(profile, rollup, tactic_context, include_disabled),
            groups=list(groups or []), top=top,
            procedures_per_gap=procedures_per_gap))
