"""End-to-end security of covd: bearer tokens with roles, TLS (and mutual TLS),
ingest roots, request size limits, refusal of insecure exposure, and the
Python client's and the `cov` CLI's credentials.

A throwaway CA, server and client certificates are made with `openssl` in
TEST_TMPDIR at test time; the test fails (never skips) without openssl.
"""

import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import grpc

from cov.v1 import cov_pb2
from cov.v1 import emulation_pb2
from cov.v1 import rules_pb2
from covclient import Client, CovError
from tests.python import junit
from tests.python.covd_fixture import Covd, corpus_dir, runfile


def _tmp(prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("TEST_TMPDIR"))


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_pki(d, ca_name="cov-test-ca"):
    """CA, server certificate for 127.0.0.1/localhost and a client certificate."""
    if shutil.which("openssl") is None:
        raise RuntimeError("openssl is required (apt-get install openssl)")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN={ca_name}", "-keyout", "ca.key", "-out", "ca.pem", cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "extendedKeyUsage=serverAuth\n")
    with open(os.path.join(d, "client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for who in ("server", "client"):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN=cov-{who}",
                 "-keyout", f"{who}.key", "-out", f"{who}.csr", cwd=d)
        _openssl("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.pem", "-CAkey",
                 "ca.key", "-CAcreateserial", "-days", "2", "-extfile",
                 f"{who}.ext", "-out", f"{who}.pem", cwd=d)
    return {k: os.path.join(d, k + ".pem") for k in ("ca", "server", "client")} | {
        "server_key": os.path.join(d, "server.key"),
        "client_key": os.path.join(d, "client.key"),
    }


class Server(Covd):
    """A covd with extra flags on a free port of `host` (default loopback)."""

    def __init__(self, *flags, host="127.0.0.1"):
        super().__init__(_tmp("covdb-"), flags, host=host)

    def run(self, timeout=30):
        """Runs covd to its exit (for refusals): (returncode, log)."""
        p = subprocess.run([runfile("server/covd"), "--db", self.db, "--listen",
                            f"{self.host}:0", *self.extra_args],
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stderr


def raw_health(channel):
    """grpc.health.v1 Check with an empty service name: the status enum."""
    call = channel.unary_unary("/grpc.health.v1.Health/Check")
    resp = call(b"", timeout=10)
    return resp  # b"\x08\x01" is SERVING


def raw_list_services(channel):
    """Server reflection list_services as raw bytes of the first response."""
    call = channel.stream_stream(
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
    # ServerReflectionRequest{list_services: "*"} (field 7, string).
    responses = call(iter([b"\x3a\x01*"]), timeout=10)
    return next(iter(responses))


def cov_cli(address, *args, env=None):
    e = dict(os.environ)
    e.pop("COV_TOKEN", None)
    e.update(env or {})
    p = subprocess.run([runfile("clients/cov"), "--server", address, *args],
                       capture_output=True, text=True, timeout=120, env=e)
    return p.returncode, p.stdout, p.stderr


def hash_token(token_text):
    p = subprocess.run([runfile("server/covd"), "--hash_token"], input=token_text,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


class SecurityEndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ.pop("COV_TOKEN", None)
        cls.dir = _tmp("sec-")
        cls.pki = make_pki(cls.dir)
        cls.tok = {r: secrets.token_hex(24) for r in ("read", "write", "admin")}
        cls.tokens_file = os.path.join(cls.dir, "tokens")
        with open(cls.tokens_file, "w") as f:
            f.write("# cov tokens: role sha256 name\n\n")
            for role, tok in cls.tok.items():
                f.write(f"{role} {hash_token(tok + chr(10))} {role}-bot\n")
        # Ingest roots: a folder of our own and the corpus' ATT&CK folder.
        cls.root = os.path.realpath(_tmp("root-"))
        cls.outside = os.path.realpath(_tmp("outside-"))
        cls.attack_dir = os.path.realpath(os.path.join(corpus_dir(), "attack"))
        cls.ics = os.path.join(cls.attack_dir, "ics-attack-18.1.json")
        os.makedirs(os.path.join(cls.root, "rules"))
        os.makedirs(os.path.join(cls.outside, "rules"))
        rule = ("title: Test rule\nid: 0b3c4ad4-5d5c-4c3f-9a7a-1b2c3d4e5f60\n"
                "status: test\ntags:\n  - attack.t0800\nlogsource:\n"
                "  product: windows\ndetection:\n  sel:\n    EventID: 1\n"
                "  condition: sel\nlevel: high\n")
        for d in (cls.root, cls.outside):
            with open(os.path.join(d, "rules", "r.yml"), "w") as f:
                f.write(rule)
        shutil.copyfile(os.path.join(cls.root, "rules", "r.yml"),
                        os.path.join(cls.outside, "secret.yml"))
        os.symlink(os.path.join(cls.outside, "rules"), os.path.join(cls.root, "link"))
        os.symlink(cls.ics, os.path.join(cls.root, "ics-attack-18.1.json"))
        cls.covd = Server(
            "--tls_cert", cls.pki["server"], "--tls_key", cls.pki["server_key"],
            "--tokens", cls.tokens_file,
            "--ingest_root", f"{cls.root},{cls.attack_dir}").start()
        cls.clients = []
        admin = cls.client("admin")
        admin.wait_ready()
        admin.ingest_attack(cls.ics)  # by content: no path involved

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients:
            c.close()
        cls.covd.stop()

    @classmethod
    def client(cls, role=None, **kw):
        kw.setdefault("tls_ca", cls.pki["ca"])
        if role:
            kw.setdefault("token", cls.tok[role])
        c = Client(cls.covd.address, timeout=60, **kw)
        cls.clients.append(c)
        return c

    def assertCode(self, code, fn, *args, **kw):
        with self.assertRaises(CovError) as cm:
            fn(*args, **kw)
        self.assertEqual(cm.exception.code, code, cm.exception.message)
        return cm.exception.message

    # -- startup ---------------------------------------------------------------

    def test_startup_log_names_the_security_settings(self):
        log = self.covd.log()
        self.assertIn("covd: tls on; auth on (1 read, 1 write, 1 admin tokens); "
                      f"ingest roots {self.root},{self.attack_dir}", log)

    def test_hash_token_is_sha256_of_stdin_without_the_newline(self):
        self.assertEqual(hash_token("s3cr3t-token-value\n"),
                         hashlib.sha256(b"s3cr3t-token-value").hexdigest())
        self.assertEqual(hash_token("s3cr3t-token-value"),
                         hashlib.sha256(b"s3cr3t-token-value").hexdigest())
        with open(self.tokens_file) as f:
            self.assertNotIn(self.tok["admin"], f.read())

    # -- tokens and roles ------------------------------------------------------

    def test_missing_token_is_unauthenticated(self):
        c = self.client()
        msg = self.assertCode("UNAUTHENTICATED", c.releases)
        self.assertIn("missing bearer token", msg)
        self.assertCode("UNAUTHENTICATED", c.technique, "T0800")
        self.assertIn("denied ListReleases from ipv4:127.0.0.1:", self.covd.log())

    def test_wrong_token_is_unauthenticated(self):
        c = self.client(token="not-" + self.tok["admin"])
        msg = self.assertCode("UNAUTHENTICATED", c.releases)
        self.assertEqual(msg, "invalid bearer token")
        # The hash in the file is not a token either.
        c2 = self.client(token=hashlib.sha256(self.tok["admin"].encode()).hexdigest())
        self.assertCode("UNAUTHENTICATED", c2.releases)
        self.assertNotIn(self.tok["admin"][5:], self.covd.log())

    def test_read_token_reads_but_cannot_write(self):
        c = self.client("read")
        rels = c.releases().releases
        self.assertEqual([(r.domain, r.version) for r in rels],
                         [("ics-attack", "18.1")])
        self.assertEqual(c.technique("T0800").name, "Activate Firmware Update Mode")
        msg = self.assertCode("PERMISSION_DENIED", c.ingest_attack, self.ics)
        self.assertEqual(msg, "token 'read-bot' has role read; IngestAttack needs "
                              "role write")
        self.assertCode("PERMISSION_DENIED", c.set_default, "18.1", "ics-attack")
        self.assertCode("PERMISSION_DENIED", c.ingest_rules, "sigma",
                        os.path.join(self.root, "rules"))
        self.assertCode("PERMISSION_DENIED", c.ingest_library, "atomics", self.root)

    def test_write_token_ingests_and_reads(self):
        c = self.client("write")
        r = c.ingest_attack(self.ics, server_path=True)  # inside the corpus root
        self.assertEqual(r.release.version, "18.1")
        src = c.ingest_rules("sigma", os.path.join(self.root, "rules"), source="w")
        self.assertEqual(src.source.rule_count, 1)
        self.assertEqual(c.set_default("18.1", "ics-attack").version, "18.1")
        self.assertIn("w", [s.name for s in c.sources().sources])

    def test_admin_token_reads_and_writes(self):
        c = self.client("admin")
        src = c.ingest_rules("sigma", os.path.join(self.root, "rules"), source="a")
        self.assertEqual(src.source.rule_count, 1)
        self.assertEqual(c.technique("T0800").id, "T0800")
        self.assertGreaterEqual(len(c.releases().releases), 1)

    def test_token_from_file_and_environment(self):
        tf = os.path.join(self.dir, "read.token")
        with open(tf, "w") as f:
            f.write(self.tok["read"] + "\n")
        self.assertEqual(len(self.client(token_file=tf).releases().releases), 1)
        os.environ["COV_TOKEN"] = self.tok["read"]
        try:
            self.assertEqual(len(self.client().releases().releases), 1)
        finally:
            del os.environ["COV_TOKEN"]
        with self.assertRaises(ValueError):
            Client(self.covd.address, token="a", token_file=tf)
        with self.assertRaises(ValueError):
            Client(self.covd.address, token="has space")

    def test_health_and_reflection_stay_open(self):
        with open(self.pki["ca"], "rb") as f:
            creds = grpc.ssl_channel_credentials(root_certificates=f.read())
        with grpc.secure_channel(self.covd.address, creds) as ch:
            self.assertEqual(raw_health(ch), b"\x08\x01")
            self.assertIn(b"cov.v1.CovService", raw_list_services(ch))

    # -- ingest roots ----------------------------------------------------------

    def test_path_outside_the_roots_is_denied(self):
        c = self.client("write")
        secret = os.path.join(self.outside, "secret.yml")
        msg = self.assertCode("PERMISSION_DENIED", c.ingest_rules, "sigma", secret)
        self.assertIn(f"path {secret} is outside the ingest roots "
                      f"({self.root}, {self.attack_dir})", msg)
        self.assertCode("PERMISSION_DENIED", c.ingest_library, "atomics",
                        self.outside)
        self.assertCode("PERMISSION_DENIED", c.ingest_attack, "/etc/passwd",
                        server_path=True)
        self.assertNotIn("outside", [s.name for s in c.sources().sources])

    def test_dotdot_escape_is_denied(self):
        c = self.client("admin")
        # Sent as is (the client helpers would normalise the `..` away).
        escape = os.path.join(self.root, "rules", "..", "..",
                              os.path.basename(self.outside), "rules")
        msg = self.assertCode("PERMISSION_DENIED", c._call, c._stub.IngestRules,
                              cov_pb2.IngestRulesRequest(
                                  format=rules_pb2.RULE_FORMAT_SIGMA, path=escape))
        self.assertIn(f"path {escape} (resolves to {self.outside}/rules) is outside",
                      msg)
        self.assertCode("PERMISSION_DENIED", c._call, c._stub.IngestLibrary,
                        emulation_pb2.IngestLibraryRequest(
                            kind="plans",
                            path=self.root + "/../" + os.path.basename(self.outside)))
        self.assertCode("PERMISSION_DENIED", c._call, c._stub.IngestAttack,
                        cov_pb2.IngestAttackRequest(
                            path=self.attack_dir + "/../attack/../../README.md"))

    def test_symlink_escape_is_denied(self):
        c = self.client("admin")
        link = os.path.join(self.root, "link")
        msg = self.assertCode("PERMISSION_DENIED", c.ingest_rules, "sigma", link)
        self.assertIn(f"resolves to {self.outside}/rules", msg)
        self.assertCode("PERMISSION_DENIED", c.ingest_library, "atomics", link)
        # A link from our root into the other root resolves inside it: allowed.
        r = c.ingest_attack(os.path.join(self.root, "ics-attack-18.1.json"),
                            server_path=True)
        self.assertEqual(r.release.domain, "ics-attack")

    def test_device_files_are_denied(self):
        with Closing(Server("--ingest_root", "/dev").start()) as s:
            c = Client(s.address)
            c.wait_ready()
            msg = self.assertCode("PERMISSION_DENIED", c.ingest_attack, "/dev/null",
                                  server_path=True)
            self.assertIn("not a regular file or a directory", msg)
            c.close()

    # -- limits and deadlines --------------------------------------------------

    def test_oversized_request_is_resource_exhausted(self):
        self.assertGreater(os.path.getsize(self.ics), 2 * 1024 * 1024)
        with Closing(Server("--max_message_mb", "1").start()) as s:
            c = Client(s.address)
            c.wait_ready()
            # Uploaded (a loopback covd would otherwise read the path).
            msg = self.assertCode("RESOURCE_EXHAUSTED", c.ingest_attack, self.ics,
                                  upload=True)
            self.assertIn("larger than max", msg)
            self.assertEqual(len(c.releases().releases), 0)
            c.close()

    def test_loopback_ingest_sends_the_path_and_falls_back_to_upload(self):
        # Messages are capped at 1 MB and the bundle is larger: an ingest that
        # succeeds cannot have uploaded it; RESOURCE_EXHAUSTED proves upload.
        ics_copy = os.path.join(self.outside, "ics-attack-18.1.json")
        shutil.copyfile(self.ics, ics_copy)
        self.assertGreater(os.path.getsize(self.ics), 2 * 1024 * 1024)
        with Closing(Server("--max_message_mb", "1",
                            "--ingest_root", self.attack_dir).start()) as s:
            c = Client(s.address)
            c.wait_ready()
            # Python: inside the ingest root, covd reads the path itself.
            r = c.ingest_attack(self.ics)
            self.assertEqual(r.release.domain, "ics-attack")
            self.assertEqual(r.release.source_file, "ics-attack-18.1.json")
            # Outside the root: refused, so the bytes are uploaded (too big).
            msg = self.assertCode("RESOURCE_EXHAUSTED", c.ingest_attack, ics_copy)
            self.assertIn("larger than max", msg)
            self.assertIn(f"ingest attack ics-attack-18.1.json failed: PERMISSION_DENIED: "
                          f"path {ics_copy} is outside the ingest roots", s.log())
            # --upload forces the upload even for an allowed path.
            self.assertCode("RESOURCE_EXHAUSTED", c.ingest_attack, self.ics, upload=True)
            self.assertEqual(len(c.releases().releases), 1)
            c.close()

            def cov(*args):
                return subprocess.run([runfile("clients/cov"), "--server", s.address,
                                       "ingest", "attack", *args],
                                      capture_output=True, text=True, timeout=120)
            p = cov(self.ics)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(f"loaded ics-attack 18.1 from {self.ics}", p.stdout)
            self.assertEqual(p.stderr, "")
            p = cov(ics_copy)
            self.assertEqual(p.returncode, 1)
            self.assertIn(f"cov: covd did not read {ics_copy} itself (path {ics_copy} "
                          "is outside the ingest roots", p.stderr)
            self.assertIn("uploading it", p.stderr)
            self.assertIn("larger than max", p.stderr)
            p = cov("--upload", self.ics)
            self.assertEqual(p.returncode, 1)
            self.assertIn("larger than max", p.stderr)
            self.assertNotIn("uploading it", p.stderr)

    def test_python_calls_always_have_a_deadline(self):
        # A TCP listener that never speaks HTTP/2: only a deadline ends a call.
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        conns = []
        stop = threading.Event()

        def accept():
            sock.settimeout(0.2)
            while not stop.is_set():
                try:
                    conns.append(sock.accept()[0])
                except OSError:
                    pass
        t = threading.Thread(target=accept, daemon=True)
        t.start()
        try:
            c = Client(f"127.0.0.1:{sock.getsockname()[1]}", timeout=None)
            self.assertEqual(c.timeout, 60.0)
            c.close()
            c = Client(f"127.0.0.1:{sock.getsockname()[1]}", timeout=1.5)
            t0 = time.monotonic()
            self.assertCode("DEADLINE_EXCEEDED", c.releases)
            self.assertLess(time.monotonic() - t0, 10)
            c.close()
        finally:
            stop.set()
            t.join()
            for x in conns:
                x.close()
            sock.close()

    # -- TLS -------------------------------------------------------------------

    def test_tls_fails_without_the_ca(self):
        plain = Client(self.covd.address, token=self.tok["admin"], timeout=5)
        self.assertCode("UNAVAILABLE", plain.releases)
        plain.close()
        other = make_pki(_tmp("other-pki-"), ca_name="someone-else")
        wrong = Client(self.covd.address, token=self.tok["admin"], timeout=5,
                       tls_ca=other["ca"])
        self.assertCode("UNAVAILABLE", wrong.releases)
        wrong.close()

    def test_mutual_tls_requires_a_client_certificate(self):
        p = self.pki
        with Closing(Server("--tls_cert", p["server"], "--tls_key", p["server_key"],
                            "--tls_client_ca", p["ca"]).start()) as s:
            ok = Client(s.address, tls_ca=p["ca"], cert=p["client"], key=p["client_key"])
            self.assertEqual(len(ok.releases().releases), 0)
            ok.close()
            anonymous = Client(s.address, tls_ca=p["ca"], timeout=5)
            self.assertCode("UNAVAILABLE", anonymous.releases)
            anonymous.close()
            self.assertIn("tls on (client certificates required)", s.log())

    # -- the cov CLI -----------------------------------------------------------

    def test_cli_with_tls_and_tokens(self):
        a, ca = self.covd.address, self.pki["ca"]
        tf = os.path.join(self.dir, "cli.token")
        with open(tf, "w") as f:
            f.write(self.tok["read"] + "\n")
        rc, out, err = cov_cli(a, "--tls_ca", ca, "--token_file", tf, "releases")
        self.assertEqual(rc, 0, err)
        self.assertIn("ics-attack", out)
        rc, out, err = cov_cli(a, "--tls_ca", ca, "releases",
                               env={"COV_TOKEN": self.tok["read"]})
        self.assertEqual(rc, 0, err)
        rc, out, err = cov_cli(a, "--tls_ca", ca, "--token", self.tok["read"],
                               "technique", "T0800")
        self.assertEqual(rc, 0, err)
        self.assertIn("Activate Firmware Update Mode", out)
        rc, out, err = cov_cli(a, "--tls_ca", ca, "releases")
        self.assertEqual(rc, 1)
        self.assertIn("missing bearer token", err)
        rc, out, err = cov_cli(a, "--tls_ca", ca, "--token_file", tf, "ingest",
                               "attack", self.ics)
        self.assertEqual(rc, 1)
        self.assertIn("IngestAttack needs role write", err)
        rc, out, err = cov_cli(a, "--token_file", tf, "--timeout", "5", "releases")
        self.assertEqual(rc, 1)
        self.assertIn("cannot reach covd", err)
        rc, out, err = cov_cli(a, "--tls_ca", ca, "--tls_cert", self.pki["client"],
                               "releases")
        self.assertEqual(rc, 2)
        self.assertIn("--tls_cert and --tls_key go together", err)
        rc, out, err = cov_cli(a, "--token_file", tf + ".absent", "releases")
        self.assertEqual(rc, 2)
        self.assertIn("cannot read --token_file", err)

    def test_cli_write_token_ingests_rules(self):
        rc, out, err = cov_cli(self.covd.address, "--tls_ca", self.pki["ca"],
                               "ingest", "sigma", os.path.join(self.root, "rules"),
                               "--source", "cli",
                               env={"COV_TOKEN": self.tok["write"]})
        self.assertEqual(rc, 0, err)
        self.assertIn("source cli: 1 rules", out)
        rc, out, err = cov_cli(self.covd.address, "--tls_ca", self.pki["ca"],
                               "ingest", "sigma", os.path.join(self.root, "link"),
                               env={"COV_TOKEN": self.tok["write"]})
        self.assertEqual(rc, 1)
        self.assertIn("outside the ingest roots", err)

    # -- refusing insecure exposure ---------------------------------------------

    def test_non_loopback_without_tls_and_tokens_is_refused(self):
        rc, log = Server(host="0.0.0.0").run()
        self.assertEqual(rc, 2, log)
        self.assertIn("refusing to listen on 0.0.0.0:0: it is not a loopback "
                      "address and TLS (--tls_cert FILE --tls_key FILE) and "
                      "bearer tokens (--tokens FILE) are not configured", log)
        p = self.pki
        rc, log = Server("--tls_cert", p["server"], "--tls_key", p["server_key"],
                         host="0.0.0.0").run()
        self.assertEqual(rc, 2, log)
        self.assertIn("bearer tokens (--tokens FILE) is not configured", log)
        rc, log = Server("--tokens", self.tokens_file, host="0.0.0.0").run()
        self.assertEqual(rc, 2, log)

    def test_non_loopback_starts_with_insecure(self):
        with Closing(Server("--insecure", host="0.0.0.0").start()) as s:
            c = Client(s.address)  # reached over loopback only
            c.wait_ready()
            self.assertEqual(len(c.releases().releases), 0)
            c.close()
            self.assertIn("WARNING: --insecure exposure", s.log())
            self.assertIn("auth off (no --tokens)", s.log())

    def test_non_loopback_starts_with_tls_and_tokens(self):
        p = self.pki
        with Closing(Server("--tls_cert", p["server"], "--tls_key", p["server_key"],
                            "--tokens", self.tokens_file, host="0.0.0.0").start()) as s:
            c = Client(s.address, tls_ca=p["ca"], token=self.tok["read"])
            self.assertEqual(len(c.releases().releases), 0)
            c.close()
            self.assertNotIn("WARNING", s.log())
            # SIGTERM stops it cleanly (gRPC threads started by the security
            # setup must not inherit an unblocked SIGTERM).
            self.assertEqual(s.stop(), 0)
            self.assertIn("covd: stopped", s.log())

    def test_bad_security_configuration_is_refused_at_start(self):
        bad = os.path.join(self.dir, "bad-tokens")
        with open(bad, "w") as f:
            f.write("read " + self.tok["read"] + " plain-token\n")
        rc, log = Server("--tokens", bad).run()
        self.assertEqual(rc, 2)
        self.assertIn(f"{bad}:1: the second field must be the token's SHA-256", log)
        rc, log = Server("--ingest_root", self.root + "/absent").run()
        self.assertEqual(rc, 2)
        self.assertIn("--ingest_root: ingest root", log)
        rc, log = Server("--tls_cert", self.pki["server"]).run()
        self.assertEqual(rc, 2)
        self.assertIn("TLS needs both --tls_cert and --tls_key", log)


class Closing:
    def __init__(self, server):
        self.server = server

    def __enter__(self):
        return self.server

    def __exit__(self, *exc):
        self.server.stop()


if __name__ == "__main__":
    junit.main()
