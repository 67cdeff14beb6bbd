"""The gRPC channel of a covclient.Client: credentials (bearer token, TLS),
message size limits and the round-robin service config for read replicas."""

from __future__ import annotations

import collections
import json
import os

import grpc

_MAX_MESSAGE = 512 * 1024 * 1024


def _read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def credentials(token: str | None = None, token_file: str | None = None,
                tls_ca: str | None = None, cert: str | None = None,
                key: str | None = None) -> tuple[str | None, grpc.ChannelCredentials | None]:
    """(bearer token or None, grpc.ChannelCredentials or None) for a Client.

    The token is `token`, else the stripped contents of `token_file`, else
    $COV_TOKEN. TLS is used when `tls_ca` (PEM file of the CA that signed
    covd's certificate) or `cert`/`key` (PEM client certificate and key, for
    a covd with --tls_client_ca) are given. Raises ValueError on bad input.
    """
    if token and token_file:
        raise ValueError("give token or token_file, not both")
    if not token and token_file:
        with open(token_file, encoding="ascii") as f:
            token = f.read().strip()
        if not token:
            raise ValueError(f"token file {token_file} is empty")
    if not token:
        token = os.environ.get("COV_TOKEN", "").strip() or None
    if token and not all(0x21 <= ord(c) <= 0x7E for c in token):
        raise ValueError("the token must be printable ASCII without spaces")
    if bool(cert) != bool(key):
        raise ValueError("cert and key go together")
    creds = None
    if tls_ca or cert:
        creds = grpc.ssl_channel_credentials(
            root_certificates=_read_bytes(tls_ca) if tls_ca else None,
            private_key=_read_bytes(key) if key else None,
            certificate_chain=_read_bytes(cert) if cert else None,
        )
    return token, creds


# Client-side load balancing over read replicas: round robin, and calls that
# hit a replica going away (UNAVAILABLE) retried on another. Every cov RPC a
# replica serves is a read, so a retry cannot apply a change twice.
ROUND_ROBIN_SERVICE_CONFIG = json.dumps({
    "loadBalancingConfig": [{"round_robin": {}}],
    "methodConfig": [{
        "name": [{"service": "cov.v1.CovService"}],
        "retryPolicy": {
            "maxAttempts": 4,
            "initialBackoff": "0.05s",
            "maxBackoff": "1s",
            "backoffMultiplier": 2,
            "retryableStatusCodes": ["UNAVAILABLE"],
        },
    }],
})


class _CallDetails(
        collections.namedtuple(
            "_CallDetails",
            ("method", "timeout", "metadata", "credentials", "wait_for_ready",
             "compression")),
        grpc.ClientCallDetails):
    pass


class _BearerInterceptor(grpc.UnaryUnaryClientInterceptor):
    """Adds `authorization: Bearer <token>` to every call."""

    def __init__(self, token):
        self._md = ("authorization", "Bearer " + token)

    def intercept_unary_unary(self, continuation, details, request):
        details = _CallDetails(
            details.method, details.timeout,
            list(details.metadata or []) + [self._md], details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None))
        return continuation(details, request)


def open_channel(address: str, token: str | None = None,
                 token_file: str | None = None, tls_ca: str | None = None,
                 cert: str | None = None, key: str | None = None,
                 tls_server_name: str | None = None,
                 round_robin: bool = False) -> tuple[grpc.Channel, grpc.Channel]:
    """(the channel to close, the channel to call through: the same one, or
    one intercepted to add the bearer token). Raises ValueError on bad
    credentials input (see credentials())."""
    bearer, creds = credentials(token, token_file, tls_ca, cert, key)
    options = [
        ("grpc.max_receive_message_length", _MAX_MESSAGE),
        ("grpc.max_send_message_length", _MAX_MESSAGE),
    ]
    if tls_server_name:
        options.append(("grpc.ssl_target_name_override", tls_server_name))
    if round_robin:
        options.append(("grpc.service_config", ROUND_ROBIN_SERVICE_CONFIG))
        options.append(("grpc.enable_retries", 1))
    if creds is not None:
        raw = grpc.secure_channel(address, creds, options=options)
    else:
        raw = grpc.insecure_channel(address, options=options)
    channel = raw
    if bearer:
        channel = grpc.intercept_channel(channel, _BearerInterceptor(bearer))
    return raw, channel
