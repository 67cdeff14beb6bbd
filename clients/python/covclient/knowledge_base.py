"""Knowledge-base RPCs of covclient.Client: ATT&CK releases (ingest, list,
default, delete), techniques, actors, search and server statistics."""

from __future__ import annotations

import os
from typing import Iterable

from cov.v1 import attack_pb2
from cov.v1 import cov_pb2

from covclient.errors import CovError
from covclient.rpc import RpcBase

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


class KnowledgeBaseMixin(RpcBase):
    """ATT&CK knowledge-base RPCs of covclient.Client."""

    address: str

    def ingest_attack(self, path: str, version: str | None = None,
                      make_default: bool = False, server_path: bool = False,
                      upload: bool = False) -> cov_pb2.IngestAttackResponse:
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

    def set_default(self, version: str, domain: str | None = None
                    ) -> attack_pb2.Release:
        """Makes a stored release the default (SetDefaultRelease)."""
        return self._call(
            self._stub.SetDefaultRelease,
            cov_pb2.SetDefaultReleaseRequest(release=self._release(version, domain)),
        )

    def delete_release(self, release: str, new_default: str | None = None,
                       domain: str | None = None) -> cov_pb2.DeleteReleaseResponse:
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

    def actor(self, query: str, attack_version: str | None = None,
              domain: str | None = None) -> attack_pb2.Actor:
        """A group, software or campaign by ID, name or alias (GetActor)."""
        return self._call(
            self._stub.GetActor,
            cov_pb2.GetActorRequest(id=query, release=self._release(attack_version, domain)),
        )

    def search(self, query: str, kinds: Iterable[str] | None = None, limit: int = 20,
               include_inactive: bool = False, attack_version: str | None = None,
               domain: str | None = None) -> cov_pb2.SearchResponse:
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
