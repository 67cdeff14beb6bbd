"""The HTML coverage report in a real browser: Debian's headless Chromium,
driven over the DevTools protocol (tests/chromium/cdp.py).

//server/export:html_report_demo writes the report of a hand-built
CoverageResponse together with that response as JSON; the expected numbers
below are computed from that JSON, not from the HTML. The test fails (never
skips) when /usr/bin/chromium is missing. Screenshots go to
$TEST_UNDECLARED_OUTPUTS_DIR.
"""

import json
import os
import subprocess
import tempfile
import time
import unittest

from tests.chromium.cdp import CHROMIUM, Chromium
from tests.python import junit
from tests.python.covd_fixture import runfile


def write_exports(extra_args=()):
    """Runs the demo binary; returns (report path, response dict)."""
    out = tempfile.mkdtemp(prefix="export-", dir=os.environ.get("TEST_TMPDIR"))
    subprocess.run([runfile("server/export/html_report_demo"),
                    f"--out_dir={out}", *extra_args], check=True, timeout=60)
    with open(os.path.join(out, "response.json"), encoding="utf-8") as f:
        response = json.load(f)
    return os.path.join(out, "report.html"), response


def expected_cells(response):
    """One cell per technique x tactic, for tactics that have a column."""
    columns = {t["tactic"] for t in response["tactics"]}
    return sum(1 for t in response["techniques"] for tactic in t["tactics"]
               if tactic in columns)


def save_png(name, png):
    out = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR") or os.environ.get(
        "TEST_TMPDIR", tempfile.gettempdir())
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        f.write(png)
    return path


class HtmlReportInChromiumTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(CHROMIUM, os.X_OK):
            raise AssertionError(
                f"{CHROMIUM} is missing; install it with apt-get install chromium")
        cls.report, cls.response = write_exports()
        cls.url = "file://" + cls.report
        cls.browser = Chromium(os.environ.get("TEST_TMPDIR")).__enter__()
        cls.page = cls.browser.page()
        for domain in ("Page", "Runtime", "Network", "Log"):
            cls.page.call(f"{domain}.enable")

    @classmethod
    def tearDownClass(cls):
        cls.page.close()
        cls.browser.__exit__(None, None, None)

    def setUp(self):
        self.page.events.clear()
        self.page.navigate(self.url)

    def cell_center(self, technique, tactic):
        rect = self.page.evaluate(f"""(() => {{
            const c = document.querySelector(
                '.cell[data-technique="{technique}"][data-tactic="{tactic}"]');
            c.scrollIntoView({{block: 'center', inline: 'center'}});
            const r = c.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }})()""")
        return rect

    def technique(self, technique_id):
        return next(t for t in self.response["techniques"]
                    if t["technique_id"] == technique_id)

    def test_matrix_has_one_cell_per_technique_and_tactic(self):
        n = expected_cells(self.response)
        self.assertEqual(n, 15)  # the fixture's documented count
        self.assertEqual(self.page.evaluate("document.querySelectorAll('.cell').length"), n)
        self.assertEqual(
            self.page.evaluate("[...document.querySelectorAll('section.tactic')]"
                               ".map(s => s.dataset.tactic)"),
            [t["tactic"] for t in self.response["tactics"]])
        headers = self.page.evaluate(
            "[...document.querySelectorAll('.ratio')].map(e => e.textContent)")
        self.assertEqual(headers, [
            "%d/%d (%d%%)" % (t["covered"], t["potential"], round(t["ratio"] * 100))
            for t in self.response["tactics"]])
        # The page's own two scripts only: rule titles holding "<script>" stay text.
        self.assertEqual(self.page.evaluate("document.scripts.length"), 2)
        self.assertTrue(self.page.evaluate("document.getElementById('detail').hidden"))

    def test_kill_chain_toggle(self):
        # cov-killchain-1 (deploy/profiles/killchain-mapping.md) for the
        # fixture's three tactics; a technique counts once per phase.
        phase_of = {"initial-access": "delivery", "persistence": "installation",
                    "defense-evasion": "installation"}
        order = ["reconnaissance", "weaponization", "delivery", "exploitation",
                 "installation", "command-and-control", "actions-on-objectives"]
        expected = {p: [0, 0, []] for p in order}
        for t in self.response["techniques"]:
            for p in {phase_of[x] for x in t["tactics"] if x in phase_of}:
                expected[p][2].append(t["technique_id"])
                if t.get("potential"):
                    expected[p][0] += 1
                    expected[p][1] += bool(t.get("rule_count") or t.get("covered_by_rollup"))
        self.assertEqual(expected["installation"][:2], [4, 3])
        self.page.evaluate(
            "document.querySelector('.views button[data-view=killchain]').click()")
        self.assertTrue(self.page.evaluate(
            "document.querySelector('.matrix[data-view=tactics]').hidden"))
        phases = self.page.evaluate(
            "[...document.querySelectorAll('section.phase')].map(s => [s.dataset.phase,"
            " s.querySelector('.phase-ratio').textContent,"
            " [...s.querySelectorAll('.cell')].map(c => c.dataset.technique)])")
        self.assertEqual([p[0] for p in phases], order)
        for key, ratio, cells in phases:
            potential, covered, ids = expected[key]
            pct = round(100 * covered / potential) if potential else 0
            self.assertEqual(ratio, f"{covered}/{potential} ({pct}%)", key)
            self.assertEqual(sorted(cells), sorted(ids), key)
        self.page.evaluate(
            "document.querySelector('section.phase[data-phase=installation]"
            " .cell[data-technique=T1197]').click()")
        self.assertFalse(self.page.evaluate("document.getElementById('detail').hidden"))
        self.assertEqual(self.page.evaluate(
            "document.querySelector('#detail h2 .id').textContent"), "T1197")
        self.page.evaluate(
            "document.querySelector('.views button[data-view=tactics]').click()")
        self.assertTrue(self.page.evaluate("document.getElementById('killchain').hidden"))
        self.assertFalse(self.page.evaluate(
            "document.querySelector('.matrix[data-view=tactics]').hidden"))

    def test_click_shows_detail_with_the_rules(self):
        bits = self.technique("T1197")
        x, y = self.cell_center("T1197", "persistence")
        self.page.click(x, y)
        detail = self.page.evaluate("""(() => {
            const d = document.getElementById('detail');
            const r = d.getBoundingClientRect();
            return {hidden: d.hidden, width: r.width, height: r.height,
                    heading: d.querySelector('h2').textContent,
                    rows: [...d.querySelectorAll('table.rules tbody tr')]
                        .map(tr => [...tr.cells].map(td => td.textContent)),
                    lists: [...d.querySelectorAll('li')].map(li => li.textContent),
                    selected: document.querySelector('[aria-current=true]')
                        .dataset.technique};
        })()""")
        self.assertFalse(detail["hidden"])
        self.assertGreater(detail["width"], 100)
        self.assertGreater(detail["height"], 100)
        self.assertEqual(detail["heading"], "T1197 BITS Jobs")
        self.assertEqual(detail["rows"], [
            [r["uid"], r["source"], r["title"], r["status"]] for r in bits["rules"]])
        self.assertIn('BITS <script>alert("x")</script>, job & "transfer"',
                      detail["rows"][0][2])
        self.assertEqual(detail["lists"], bits["data_components"] + bits["used_by"])
        self.assertEqual(detail["selected"], "T1197")
        self.assertEqual(self.page.evaluate("document.scripts.length"), 2)
        print("screenshot:", save_png("html_report_detail.png", self.page.screenshot_png()))

    def test_sub_technique_click_and_escape(self):
        x, y = self.cell_center("T1078.001", "defense-evasion")
        self.page.click(x, y)
        text = self.page.evaluate("document.getElementById('detail').textContent")
        self.assertIn("Sub-technique ofT1078 Valid Accounts", text)
        self.assertIn("7a2b1c3d-0000-4000-8000-000000000001", text)
        self.page.press_key("Escape", "Escape", 27)
        self.assertTrue(self.page.evaluate("document.getElementById('detail').hidden"))
        self.assertIsNone(self.page.evaluate("document.querySelector('[aria-current]')"))

    def test_no_network_no_errors(self):
        x, y = self.cell_center("T1197", "defense-evasion")
        self.page.click(x, y)
        requests = [p["request"]["url"] for m, p in self.page.events
                    if m == "Network.requestWillBeSent"]
        self.assertEqual(requests, [self.url])
        errors = [p for m, p in self.page.events
                  if m == "Runtime.exceptionThrown" or
                  (m == "Log.entryAdded" and p["entry"]["level"] == "error") or
                  m == "Page.javascriptDialogOpening"]
        self.assertEqual(errors, [])


class FullMatrixInChromiumTest(unittest.TestCase):
    def test_700_techniques_render(self):
        if not os.access(CHROMIUM, os.X_OK):
            raise AssertionError(f"{CHROMIUM} is missing")
        report, response = write_exports(["--synthetic=700"])
        n = expected_cells(response)
        self.assertGreater(n, 700)
        with Chromium(os.environ.get("TEST_TMPDIR")) as browser:
            page = browser.page()
            page.call("Page.enable")
            start = time.monotonic()
            page.navigate("file://" + report)
            load_ms = (time.monotonic() - start) * 1000
            self.assertEqual(page.evaluate("document.querySelectorAll('.cell').length"), n)
            self.assertEqual(page.evaluate("document.querySelectorAll('section.tactic').length"), 14)
            print(f"700-technique report: {os.path.getsize(report)} bytes, {n} cells, "
                  f"loaded in {load_ms:.0f} ms by {browser.version()}")
            print("screenshot:", save_png("html_report_700.png", page.screenshot_png()))
            page.close()


if __name__ == "__main__":
    junit.main()
