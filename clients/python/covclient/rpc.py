"""What every RPC group of covclient.Client shares: the stub, the deadline,
error mapping and the request pieces several groups build (ReleaseRef,
CoverageOptions). The groups are mixins over RpcBase; Client combines them."""

from __future__ import annotations

import os
from typing import Any, Callable

import grpc

from cov.v1 import attack_pb2
from cov.v1 import coverage_pb2
from cov.v1 import cov_pb2_grpc

from covclient.errors import CovError


class RpcBase:
    """The connection state the RPC mixins use; set up by Client.__init__."""

    _stub: cov_pb2_grpc.CovServiceStub
    timeout: float

    def _call(self, method: Callable[..., Any], request: Any,
              timeout: float | None = None) -> Any:
        """`method(request)` with the client's deadline (or `timeout`);
        gRPC errors become CovError."""
        try:
            return method(request, timeout=timeout or self.timeout)
        except grpc.RpcError as e:  # pylint: disable=no-member
            raise CovError(e.code().name, e.details()) from None

    @staticmethod
    def _release(attack_version: str | None = None,
                 domain: str | None = None) -> attack_pb2.ReleaseRef:
        return attack_pb2.ReleaseRef(version=attack_version or "", domain=domain or "")

    @staticmethod
    def _release_arg(release: str, domain: str | None = None) -> attack_pb2.ReleaseRef:
        """ReleaseRef of "enterprise-attack@17.1", or of "17.1" and `domain`."""
        if "@" in release:
            domain, release = release.split("@", 1)
        return attack_pb2.ReleaseRef(version=release, domain=domain or "")

    @staticmethod
    def _options(profile: str | coverage_pb2.Profile | None = None,
                 rollup: bool = False, tactic_context: bool = False,
                 include_disabled: bool = False) -> coverage_pb2.CoverageOptions:
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
