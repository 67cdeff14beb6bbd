"""Administration RPCs of covclient.Client (admin token): backups of the
live store, restores, and replica reloads."""

from __future__ import annotations

from cov.v1 import admin_pb2

from covclient.rpc import RpcBase


class AdminMixin(RpcBase):
    """Backup and restore RPCs of covclient.Client."""

    def backup(self, to: str, keep: int = 0) -> admin_pb2.CreateBackupResponse:
        """Backs up the live store into the server directory `to` (CreateBackup).

        Incremental and checksummed (RocksDB BackupEngine); `keep` > 0 then
        deletes all but the newest `keep` backups. Returns the new backup and
        the directory's list.
        """
        return self._call(self._stub.CreateBackup,
                          admin_pb2.CreateBackupRequest(backup_dir=to, keep=keep),
                          timeout=max(self.timeout, 600))

    def backups(self, from_dir: str | None = None) -> admin_pb2.ListBackupsResponse:
        """The backups of a server directory (default: covd's --snapshot_from)."""
        return self._call(self._stub.ListBackups,
                          admin_pb2.ListBackupsRequest(backup_dir=from_dir or ""))

    def restore(self, from_dir: str, backup_id: int = 0
                ) -> admin_pb2.RestoreBackupResponse:
        """Verifies backup `backup_id` (0: latest) and swaps it in live.

        The previous store is kept aside (response.previous_store).
        """
        if not from_dir:
            raise ValueError("restore needs the backup directory (replicas: reload())")
        return self._call(self._stub.RestoreBackup,
                          admin_pb2.RestoreBackupRequest(backup_dir=from_dir,
                                                         backup_id=backup_id),
                          timeout=max(self.timeout, 600))

    def reload(self) -> admin_pb2.RestoreBackupResponse:
        """Replica: loads the newest backup of covd's --snapshot_from if newer."""
        return self._call(self._stub.RestoreBackup,
                          admin_pb2.RestoreBackupRequest(only_if_newer=True),
                          timeout=max(self.timeout, 600))
