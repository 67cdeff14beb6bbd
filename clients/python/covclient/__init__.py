"""Python client of covd, the cov ATT&CK detection-coverage service.

A thin wrapper over the generated cov.v1 gRPC stubs, for automation:

    from covclient import Client
    with Client("127.0.0.1:8470") as cov:
        cov.ingest_attack("enterprise-attack-18.1.json")
        t = cov.technique("T1197")          # cov.v1.Technique message
        print(t.name, list(t.tactics))
        print(cov.to_dict(t)["dataComponents"])

Every method returns the RPC's response message; `Client.to_dict` turns one
into the proto3 JSON mapping (lowerCamelCase keys, defaults included), the
same shape `cov --format json` prints. Failed requests raise CovError with the
gRPC status code name ("NOT_FOUND", ...) and the server's message.

The address defaults to $COV_SERVER, else 127.0.0.1:8470. Against a covd with
--tokens, pass token= or token_file= (else $COV_TOKEN is used); against a covd
with TLS, pass tls_ca= (and cert=/key= when it requires client certificates).
Every call has a deadline (timeout=, default 60 s).
"""

from covclient.client import DEFAULT_SERVER, FORMATS, Client, credentials
from covclient.errors import CovError

__all__ = ["Client", "CovError", "DEFAULT_SERVER", "FORMATS", "credentials"]
