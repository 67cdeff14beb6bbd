"""Client: the connection to covd and one method per RPC (see covclient).

The RPC methods are grouped by concern in mixins over covclient.rpc.RpcBase:
knowledge_base (ATT&CK releases, techniques, search), rules (rule sources,
rules, CI checks), coverage (coverage, gaps, exports), emulation (library,
plans, experiments), admin (backups) and proof (replay, scan).
"""

from __future__ import annotations

import os

import grpc
from google.protobuf import json_format
from google.protobuf.message import Message

from cov.v1 import cov_pb2_grpc

from covclient.admin import AdminMixin
from covclient.channel import credentials, open_channel
from covclient.coverage import CoverageMixin
from covclient.emulation import EmulationMixin
from covclient.errors import CovError
from covclient.formats import FORMATS, RULE_EXTENSIONS
from covclient.knowledge_base import KnowledgeBaseMixin, is_loopback
from covclient.proof import ProofMixin
from covclient.rules import ChecksMixin, RulesMixin

# Names importable from here before the split into modules.
__all__ = ["Client", "DEFAULT_SERVER", "FORMATS", "RULE_EXTENSIONS",
           "credentials", "is_loopback"]

DEFAULT_SERVER = "127.0.0.1:8470"


class Client(KnowledgeBaseMixin, RulesMixin, ChecksMixin, CoverageMixin,
             EmulationMixin, AdminMixin, ProofMixin):
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

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def to_dict(message: Message) -> dict:
        """The proto3 JSON mapping of a response (what `cov --format json` prints)."""
        return json_format.MessageToDict(
            message, including_default_value_fields=True
        )

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Blocks until the server accepts connections (or raises CovError)."""
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise CovError("UNAVAILABLE", f"covd at {self.address} not reachable") from None
