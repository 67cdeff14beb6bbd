"""Rule RPCs of covclient.Client: rule sources (ingest, list, delete, their
diagnostics), the rules themselves, and the CI checks over rule files
(CheckRules, FixRules)."""

from __future__ import annotations

import os
from typing import Iterator, Sequence

from cov.v1 import check_pb2
from cov.v1 import cov_pb2
from cov.v1 import rules_pb2

from covclient import formats
from covclient.rpc import RpcBase


class RulesMixin(RpcBase):
    """Rule-source and rule RPCs of covclient.Client."""

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
        req = cov_pb2.IngestRulesRequest(
            format=formats.format_value(fmt), path=os.path.abspath(path),
            source=source or "", release=self._release(attack_version, domain),
            min_score=min_score)
        return self._call(self._stub.IngestRules, req, timeout=max(self.timeout, 600))

    def delete_source(self, name: str) -> cov_pb2.DeleteSourceResponse:
        """Removes a rule source and all its rules (DeleteSource)."""
        return self._call(self._stub.DeleteSource, cov_pb2.DeleteSourceRequest(name=name))

    def sources(self) -> cov_pb2.ListSourcesResponse:
        """Rule sources (ListSources)."""
        return self._call(self._stub.ListSources, cov_pb2.ListSourcesRequest())

    def errors(self, source: str) -> cov_pb2.ListRuleErrorsResponse:
        """Diagnostics of a source's last ingest (ListRuleErrors)."""
        return self._call(self._stub.ListRuleErrors,
                          cov_pb2.ListRuleErrorsRequest(source=source))

    def rules(self, source: str | None = None, technique: str | None = None,
              page_size: int = 100, page_token: str = "") -> cov_pb2.ListRulesResponse:
        """One page of rules (ListRules); see iter_rules for all of them."""
        return self._call(self._stub.ListRules, cov_pb2.ListRulesRequest(
            source=source or "", technique_id=technique or "",
            page_size=page_size, page_token=page_token))

    def iter_rules(self, source: str | None = None, technique: str | None = None,
                   page_size: int = 500) -> Iterator[rules_pb2.Rule]:
        """Every rule matching the filters, following page tokens."""
        token = ""
        while True:
            page = self.rules(source, technique, page_size, token)
            yield from page.rules
            token = page.next_page_token
            if not token:
                return


class ChecksMixin(RpcBase):
    """CI checks of covclient.Client over rule files read here and sent."""

    RULE_EXTENSIONS = formats.RULE_EXTENSIONS

    @classmethod
    def read_rule_files(cls, paths: Sequence[str], root_prefix: str | None = None,
                        rule_format: str | None = None) -> list[check_pb2.RuleFile]:
        """RuleFile messages for every rule file under `paths` (files or folders).

        rule_format: a name of FORMATS read for every file (Splunk and
        Sentinel YAML need it); None: covd decides from the extension.
        """
        return formats.read_rule_files(paths, root_prefix, rule_format,
                                       cls.RULE_EXTENSIONS)

    def check(self, paths: Sequence[str], base_dir: str | None = None,
              profile: str | None = None, fail_on: str = "error",
              output_format: str = "", allow_regression: Sequence[str] = (),
              flag_parent_and_sub: bool = False, attack_version: str | None = None,
              rule_format: str | None = None) -> check_pb2.CheckResponse:
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

    def fix_revoked(self, paths: Sequence[str], write: bool = False,
                    attack_version: str | None = None,
                    rule_format: str | None = None) -> check_pb2.FixResponse:
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
