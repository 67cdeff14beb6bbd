"""Builds the covclient package with the generated cov.v1 stubs.

`pip install --no-build-isolation ./clients/python` (offline, Debian's
python3-setuptools): build_py runs /usr/bin/protoc with grpc_python_plugin
over ../../proto/cov/v1/*.proto and proto/gen_rule_formats.py, so the
installed package carries `cov.v1` (messages, stubs, rule-format table)
beside `covclient`.
"""

import glob
import os
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.join(HERE, "..", "..", "proto")


class BuildWithStubs(build_py):
    def run(self):
        super().run()
        out = self.build_lib
        protos = sorted(glob.glob(os.path.join(PROTO, "cov", "v1", "*.proto")))
        if not protos:
            sys.exit(f"no .proto files under {PROTO}")
        subprocess.check_call(["protoc", "-I" + PROTO, "--python_out=" + out, *protos])
        subprocess.check_call([
            "protoc", "-I" + PROTO, "--grpc_python_out=" + out,
            "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
            os.path.join(PROTO, "cov", "v1", "cov.proto")])
        subprocess.check_call([
            sys.executable, os.path.join(PROTO, "gen_rule_formats.py"),
            os.path.join(PROTO, "rule_formats.txt"),
            os.devnull,  # the C++ header is not needed here
            os.path.join(out, "cov", "v1", "rule_formats.py")])
        for pkg in ("cov", os.path.join("cov", "v1")):
            open(os.path.join(out, pkg, "__init__.py"), "a").close()


setup(packages=["covclient"], cmdclass={"build_py": BuildWithStubs})
