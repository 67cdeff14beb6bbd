"""Runs a unittest module and writes JUnit XML to $XML_OUTPUT_FILE.

Bazel's default test.xml for a py_test holds one test case; .ci/run counts
real test cases, so each Python test writes its own XML through this runner.
"""

import os
import sys
import time
import unittest
from xml.sax.saxutils import quoteattr


class _Result(unittest.TextTestResult):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.records = []
        self._t0 = 0.0

    def startTest(self, test):
        self._t0 = time.monotonic()
        super().startTest(test)

    def _record(self, test, kind, text=""):
        self.records.append((test.id(), kind, text, time.monotonic() - self._t0))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "ok")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failure", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped", reason)


def main(module="__main__"):
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module])
    runner = unittest.TextTestRunner(resultclass=_Result, verbosity=2)
    result = runner.run(suite)
    out = os.environ.get("XML_OUTPUT_FILE")
    if out:
        failures = sum(1 for r in result.records if r[1] == "failure")
        errors = sum(1 for r in result.records if r[1] == "error")
        skipped = sum(1 for r in result.records if r[1] == "skipped")
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 f'<testsuites><testsuite name={quoteattr(module)} tests="{len(result.records)}" '
                 f'failures="{failures}" errors="{errors}" skipped="{skipped}">']
        for name, kind, text, secs in result.records:
            cls, _, meth = name.rpartition(".")
            lines.append(f'<testcase classname={quoteattr(cls)} name={quoteattr(meth)} '
                         f'time="{secs:.3f}">')
            if kind in ("failure", "error"):
                lines.append(f'<{kind} message={quoteattr(text.splitlines()[-1] if text else kind)}>'
                             f'{text.replace("&", "&amp;").replace("<", "&lt;")}</{kind}>')
            elif kind == "skipped":
                lines.append(f'<skipped message={quoteattr(text)}/>')
            lines.append('</testcase>')
        lines.append('</testsuite></testsuites>')
        with open(out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    sys.exit(0 if result.wasSuccessful() and not result.skipped else 1)
