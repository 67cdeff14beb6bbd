"""Unit tests of covclient against an in-process gRPC server on loopback.

The fake implements a few CovService methods with canned answers and records
the requests it got, so each test checks what the client sends and how it
maps answers and errors (no covd involved).
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest
from concurrent import futures

import grpc

from cov.v1 import attack_pb2
from cov.v1 import cov_pb2
from cov.v1 import cov_pb2_grpc
from cov.v1 import emulation_pb2
from cov.v1 import rules_pb2

import covclient
from covclient import cli
from covclient.client import RULE_EXTENSIONS


class FakeCov(cov_pb2_grpc.CovServiceServicer):
    def __init__(self):
        self.requests = []
        self.metadata = []

    def GetTechnique(self, request, context):
        self.requests.append(request)
        self.metadata.append(dict(context.invocation_metadata()))
        if request.id == "T9999":
            context.abort(grpc.StatusCode.NOT_FOUND,
                          "T9999 is not in ATT&CK enterprise-attack@18.1")
        return attack_pb2.Technique(id=request.id, name="BITS Jobs",
                                    tactics=["persistence", "defense-evasion"])

    def IngestRules(self, request, context):
        self.requests.append(request)
        return cov_pb2.IngestRulesResponse(files_parsed=3)

    def GetPlan(self, request, context):
        self.requests.append(request)
        return emulation_pb2.PlanResponse(
            subject="T1197", rendered="# Emulation runbook: T1197\n"
            if request.format == "markdown" else "",
            workbook=b"PK\x03\x04 workbook" if request.format == "xlsx" else b"")


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fake = FakeCov()
        cls.server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        cov_pb2_grpc.add_CovServiceServicer_to_server(cls.fake, cls.server)
        cls.port = cls.server.add_insecure_port("127.0.0.1:0")
        cls.server.start()
        cls.address = f"127.0.0.1:{cls.port}"

    @classmethod
    def tearDownClass(cls):
        cls.server.stop(None)

    def setUp(self):
        self.fake.requests.clear()
        self.fake.metadata.clear()

    def test_technique_sends_id_and_release(self):
        with covclient.Client(self.address) as c:
            t = c.technique("T1197", attack_version="17.1", domain="enterprise-attack")
        self.assertEqual(t.name, "BITS Jobs")
        req = self.fake.requests[0]
        self.assertEqual((req.id, req.release.version, req.release.domain),
                         ("T1197", "17.1", "enterprise-attack"))

    def test_to_dict_is_the_proto3_json_mapping(self):
        with covclient.Client(self.address) as c:
            d = c.to_dict(c.technique("T1197"))
        self.assertEqual(d["tactics"], ["persistence", "defense-evasion"])
        self.assertIn("revokedBy", d)  # defaults included, lowerCamelCase
        self.assertEqual(d["revokedBy"], "")

    def test_error_maps_code_and_message(self):
        with covclient.Client(self.address) as c:
            with self.assertRaises(covclient.CovError) as e:
                c.technique("T9999")
        self.assertEqual(e.exception.code, "NOT_FOUND")
        self.assertEqual(e.exception.message,
                         "T9999 is not in ATT&CK enterprise-attack@18.1")

    def test_bearer_token_is_sent(self):
        with covclient.Client(self.address, token="s3cret") as c:
            c.technique("T1197")
        self.assertEqual(self.fake.metadata[0]["authorization"], "Bearer s3cret")

    def test_rule_formats_come_from_the_shared_table(self):
        self.assertEqual(covclient.FORMATS["snort"], rules_pb2.RULE_FORMAT_SURICATA)
        self.assertEqual(covclient.FORMATS["yara"], rules_pb2.RULE_FORMAT_YARA)
        self.assertEqual(set(RULE_EXTENSIONS) >= {".yml", ".yaml", ".rules", ".yar", ".yara"},
                         True)
        with covclient.Client(self.address) as c:
            c.ingest_rules("snort", "/tmp/rules", source="et")
            with self.assertRaises(ValueError):
                c.ingest_rules("pdf", "/tmp/rules")
        req = self.fake.requests[0]
        self.assertEqual((req.format, req.path, req.source),
                         (rules_pb2.RULE_FORMAT_SURICATA, "/tmp/rules", "et"))

    def test_plan_format_is_sent_and_rendered_text_printed(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = cli.main(["--server", self.address, "plan", "--technique", "T1197",
                           "--format", "markdown"])
        self.assertEqual(rc, 0)
        self.assertEqual(out.getvalue(), "# Emulation runbook: T1197\n")
        self.assertEqual(self.fake.requests[0].format, "markdown")
        self.assertEqual(list(self.fake.requests[0].techniques.ids), ["T1197"])

    def test_plan_xlsx_writes_the_workbook_bytes(self):
        path = os.path.join(os.environ.get("TEST_TMPDIR", "/tmp"), "plan.xlsx")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = cli.main(["--server", self.address, "plan", "--technique", "T1197",
                           "--format", "xlsx", "--out", path])
            rc_no_out = cli.main(["--server", self.address, "plan", "--technique",
                                  "T1197", "--format", "xlsx"])
        self.assertEqual(rc, 0)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"PK\x03\x04 workbook")
        self.assertEqual(self.fake.requests[0].format, "xlsx")
        self.assertEqual(rc_no_out, 2)

    def test_cli_prints_json_and_exit_codes(self):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cli.main(["--server", self.address, "technique", "T1197"])
            rc_missing = cli.main(["--server", self.address, "technique", "T9999"])
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out.getvalue())["id"], "T1197")
        self.assertEqual(rc_missing, 1)
        self.assertIn("cov: T9999 is not in ATT&CK", err.getvalue())

    def test_read_rule_files_uses_the_table_extensions(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("a.yml", "b.rules", "c.YAR", "notes.txt"):
                with open(os.path.join(d, name), "w") as f:
                    f.write(name)
            os.mkdir(os.path.join(d, ".git"))
            with open(os.path.join(d, ".git", "x.yml"), "w") as f:
                f.write("hidden")
            files = covclient.Client.read_rule_files([d], root_prefix=d)
        self.assertEqual([f.path for f in files], ["a.yml", "b.rules", "c.YAR"])


if __name__ == "__main__":
    unittest.main()
