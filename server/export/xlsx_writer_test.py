"""The Excel exports read back with Debian's python3-openpyxl.

//server/export:xlsx_demo writes coverage, gaps and plan workbooks of
hand-built responses together with those responses as proto3 JSON; every
expectation below is computed from the JSON, not from the workbooks.
"""

import json
import os
import subprocess
import tempfile
import unittest

import openpyxl

from tests.python.covd_fixture import runfile

# The HTML report's palette (server/export/html_report.cc, :root variables).
STATE_FILL = {"covered": "4E9A51", "rollup": "B7DBA0",
              "uncovered": "F3A6A6", "unreachable": "E4E4E4"}
EVIDENCE_FILL = {"validated": "4E9A51", "claimed": "B7DBA0",
                 "stale": "F5D491", "failed": "E57373"}
EXCEL_CELL_LIMIT = 32767


def write_exports(extra_args=()):
    out = tempfile.mkdtemp(prefix="xlsx-", dir=os.environ.get("TEST_TMPDIR"))
    subprocess.run([runfile("server/export/xlsx_demo"), f"--out_dir={out}",
                    *extra_args], check=True, timeout=60)
    loaded = {}
    for name in ("coverage", "gaps", "plan"):
        with open(os.path.join(out, name + ".json"), encoding="utf-8") as f:
            loaded[name] = json.load(f)
        loaded[name + "_book"] = openpyxl.load_workbook(
            os.path.join(out, name + ".xlsx"))
    return loaded


def state(t):
    if not t.get("potential"):
        return "unreachable"
    if t.get("ruleCount", 0) > 0:
        return "covered"
    if t.get("coveredByRollup"):
        return "rollup"
    return "uncovered"


def fill(cell):
    """The cell's solid fill as RRGGBB (openpyxl gives AARRGGBB)."""
    rgb = cell.fill.fgColor.rgb
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def joined(items):
    return "\n".join(items) if items else None


class CoverageWorkbookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x = write_exports()
        cls.cov = cls.x["coverage"]
        cls.book = cls.x["coverage_book"]

    def test_sheets(self):
        self.assertEqual(self.book.sheetnames,
                         ["Matrix", "Tactics", "Kill chain", "Techniques"])

    def test_matrix_columns_cells_and_colours(self):
        ws = self.book["Matrix"]
        self.assertEqual(ws.freeze_panes, "A3")
        techs = self.cov["techniques"]
        by_id = {t["techniqueId"]: t for t in techs}
        for col, tactic in enumerate(self.cov["tactics"], start=1):
            head = ws.cell(row=1, column=col).value
            self.assertEqual(head, tactic.get("name") or tactic["tactic"])
            self.assertEqual(fill(ws.cell(row=1, column=col)), "37474F")
            pct = round(100 * tactic.get("ratio", 0))
            self.assertEqual(
                ws.cell(row=2, column=col).value,
                f"{tactic.get('covered', 0)}/{tactic.get('potential', 0)} ({pct}%)")
            expected = sorted(f"{t['techniqueId']} {t['name']}" for t in techs
                              if tactic["tactic"] in t.get("tactics", []))
            cells = []
            r = 3
            while ws.cell(row=r, column=col).value is not None:
                cell = ws.cell(row=r, column=col)
                tid = cell.value.split(" ", 1)[0]
                self.assertEqual(fill(cell), STATE_FILL[state(by_id[tid])], cell.value)
                # Sub-techniques are indented under their parent.
                self.assertEqual(cell.alignment.indent, 1 if "." in tid else 0)
                cells.append(cell.value)
                r += 1
            self.assertEqual(sorted(cells), expected, tactic["tactic"])
            # A sub-technique follows its parent when the parent is here.
            for i, v in enumerate(cells):
                tid = v.split(" ", 1)[0]
                parent = by_id[tid].get("parent")
                if parent and tactic["tactic"] in by_id[parent].get("tactics", []):
                    before = [c.split(" ", 1)[0] for c in cells[:i]]
                    self.assertIn(parent, before)

    def test_tactics_sheet(self):
        ws = self.book["Tactics"]
        self.assertEqual(ws.freeze_panes, "A2")
        n = len(self.cov["tactics"])
        self.assertEqual(ws.auto_filter.ref, f"A1:F{n + 1}")
        data = rows(ws)
        self.assertEqual(data[0], ["Tactic", "Tactic ID", "Name", "Potential",
                                   "Covered", "Ratio"])
        for row, t in zip(data[1:], self.cov["tactics"]):
            self.assertEqual(row[0], t["tactic"])
            self.assertEqual(row[3], t.get("potential", 0))
            self.assertEqual(row[4], t.get("covered", 0))
            self.assertAlmostEqual(row[5], t.get("ratio", 0))
        self.assertEqual(ws.cell(row=2, column=6).number_format, "0.0%")

    def test_kill_chain_sheet(self):
        ws = self.book["Kill chain"]
        phases = self.cov["phases"]
        self.assertEqual(ws.auto_filter.ref, f"A1:F{len(phases) + 1}")
        for row, p in zip(rows(ws)[1:], phases):
            self.assertEqual(row[:5], [p["name"], p["order"], "\n".join(p["tactics"]),
                                       p["potential"], p["covered"]])

    def test_techniques_sheet_one_row_per_technique_and_tactic(self):
        ws = self.book["Techniques"]
        self.assertEqual(ws.freeze_panes, "A2")
        expected = []
        for t in self.cov["techniques"]:
            rules = [f"{r['uid']} ({r['source']})" for r in t.get("rules", [])]
            for tactic in t.get("tactics") or [""]:
                expected.append([
                    t["techniqueId"], t["name"], tactic or None,
                    t.get("parent") or None, state(t), t.get("ruleCount", 0),
                    joined(rules), t.get("evidence") or None,
                    joined(t.get("dataComponents", [])),
                    joined(t.get("platforms", [])), t.get("userCount", 0),
                    joined(t.get("usedBy", []))])
        data = rows(ws)
        self.assertEqual(data[0][0], "Technique ID")
        self.assertEqual(data[1:], expected)
        self.assertEqual(ws.auto_filter.ref, f"A1:L{len(expected) + 1}")
        for r in range(2, len(expected) + 2):
            cell = ws.cell(row=r, column=5)
            self.assertEqual(fill(cell), STATE_FILL[cell.value])

    def test_synthetic_matrix(self):
        x = write_exports(["--synthetic=700"])
        ws = x["coverage_book"]["Techniques"]
        n = sum(max(1, len(t.get("tactics", []))) for t in x["coverage"]["techniques"])
        self.assertEqual(ws.max_row, n + 1)
        matrix = x["coverage_book"]["Matrix"]
        self.assertEqual(matrix.max_column, 14)


class GapsWorkbookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        x = write_exports()
        cls.gaps = x["gaps"]
        cls.book = x["gaps_book"]

    def test_sheets_and_rows(self):
        self.assertEqual(self.book.sheetnames, ["Matrix", "Gaps"])
        ws = self.book["Gaps"]
        self.assertEqual(ws.freeze_panes, "A2")
        gaps = self.gaps["gaps"]
        self.assertEqual(ws.auto_filter.ref, f"A1:L{len(gaps) + 1}")
        data = rows(ws)
        self.assertEqual(data[0][:5], ["Rank", "Technique ID", "Name", "Tactics", "Score"])
        for rank, (row, g) in enumerate(zip(data[1:], gaps), start=1):
            self.assertEqual(row[0], rank)
            self.assertEqual(row[1], g["techniqueId"])
            self.assertEqual(row[3], joined(g.get("tactics", [])))
            self.assertEqual(row[4], g["score"])
            self.assertEqual(row[5], joined(g.get("namedGroups", [])))
            self.assertEqual(row[6], g.get("userCount", 0))

    def test_formula_like_text_stays_text_and_long_text_is_cut(self):
        ws = self.book["Gaps"]
        last = len(self.gaps["gaps"]) + 1
        name = ws.cell(row=last, column=3)
        self.assertEqual(name.data_type, "s")
        self.assertEqual(name.value, self.gaps["gaps"][-1]["name"])
        detection = ws.cell(row=last, column=10).value
        full = self.gaps["gaps"][-1]["detection"]
        self.assertGreater(len(full), EXCEL_CELL_LIMIT)
        self.assertLessEqual(len(detection), EXCEL_CELL_LIMIT)
        self.assertTrue(detection.endswith("\u2026"))
        self.assertTrue(full.startswith(detection[:-1]))


class PlanWorkbookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        x = write_exports()
        cls.plan = x["plan"]
        cls.book = x["plan_book"]

    def test_plan_sheet(self):
        self.assertEqual(self.book.sheetnames, ["Plan", "Tests"])
        ws = self.book["Plan"]
        steps = self.plan["steps"]
        self.assertEqual(ws.freeze_panes, "A2")
        self.assertEqual(ws.auto_filter.ref, f"A1:K{len(steps) + 1}")
        for r, s in enumerate(steps, start=2):
            row = [c.value for c in ws[r]]
            self.assertEqual(row[0], s["order"])
            self.assertEqual(row[1], s.get("stepId"))
            self.assertEqual(row[2:6], [s["techniqueId"], s["techniqueName"],
                                        s["tactic"], s["procedure"]])
            self.assertEqual(row[6], joined([t["name"] for t in s.get("tests", [])]))
            self.assertEqual(row[8], s.get("expectedRuleCount", 0))
            self.assertEqual(row[10], s["evidence"])
            self.assertEqual(fill(ws.cell(row=r, column=11)), EVIDENCE_FILL[s["evidence"]])
            self.assertEqual(ws.cell(row=r, column=6).data_type, "s")

    def test_tests_sheet(self):
        ws = self.book["Tests"]
        expected = [[s["techniqueId"], t["guid"], t["name"], joined(t["platforms"]),
                     t["executor"], "yes" if t.get("elevationRequired") else "no",
                     t["command"], t.get("cleanupCommand"), t["origin"]]
                    for s in self.plan["steps"] for t in s.get("tests", [])]
        self.assertEqual(len(expected), 2)
        self.assertEqual(rows(ws)[1:], expected)
        self.assertEqual(ws.auto_filter.ref, f"A1:I{len(expected) + 1}")
        self.assertEqual(ws.freeze_panes, "A2")


if __name__ == "__main__":
    unittest.main()
