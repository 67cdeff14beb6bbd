#include "server/export/xlsx_writer.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "xlsxwriter.h"

namespace cov::server::exporter {
namespace {

// Excel's cell limit is 32,767 characters; cutting at this many bytes keeps
// any UTF-8 text under it.
constexpr size_t kMaxCellBytes = 32000;
constexpr uint32_t kHeaderFill = 0x37474F;  // the HTML report's tactic head

absl::string_view State(const cov::v1::TechniqueCoverage& t) {
  if (!t.potential()) return "unreachable";
  if (t.rule_count() > 0) return "covered";
  if (t.covered_by_rollup()) return "rollup";
  return "uncovered";
}

std::string CellText(absl::string_view text) {
  if (text.size() <= kMaxCellBytes) return std::string(text);
  size_t end = kMaxCellBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return absl::StrCat(text.substr(0, end), "\xE2\x80\xA6");
}

// A private temporary file, removed when this goes out of scope.
class TempFile {
 public:
  TempFile() {
    const char* dir = getenv("TMPDIR");
    path_ = absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp",
                         "/cov-xlsx-XXXXXX");
    const int fd = mkstemp(path_.data());
    if (fd < 0) {
      path_.clear();
    } else {
      close(fd);
    }
  }
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One workbook being written to a temporary file, with the formats the
// sheets share. Errors of the write calls are kept and reported by Finish.
class Book {
 public:
  Book() {
    if (!file_.ok()) return;
    wb_ = workbook_new(file_.path().c_str());
    if (wb_ == nullptr) return;
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
    format_set_font_color(header_, 0xFFFFFF);
    format_set_bg_color(header_, kHeaderFill);
    format_set_text_wrap(header_);
    wrap_ = workbook_add_format(wb_);
    format_set_text_wrap(wrap_);
    format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
    percent_ = workbook_add_format(wb_);
    format_set_num_format(percent_, "0.0%");
    ratio_ = workbook_add_format(wb_);
    format_set_bg_color(ratio_, 0xE3E7EA);
  }
  ~Book() {
    // Never closed (an earlier error): workbook_close also frees it.
    if (wb_ != nullptr) workbook_close(wb_);
  }
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  lxw_worksheet* Sheet(absl::string_view name) {
    if (wb_ == nullptr) return nullptr;
    lxw_worksheet* ws = workbook_add_worksheet(wb_, std::string(name).c_str());
    if (ws == nullptr) Check(LXW_ERROR_SHEETNAME_ALREADY_USED);
    return ws;
  }

  // A fill of `color`; white text on the dark covered green. `indent` for
  // sub-techniques in the matrix.
  lxw_format* Fill(uint32_t color, bool indent = false) {
    if (wb_ == nullptr) return nullptr;
    auto key = std::make_pair(color, indent);
    auto it = fills_.find(key);
    if (it != fills_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    format_set_bg_color(f, color);
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_border_color(f, 0xC4C4C4);
    if (color == XlsxStateColor("covered")) format_set_font_color(f, 0xFFFFFF);
    if (indent) format_set_indent(f, 1);
    fills_.emplace(key, f);
    return f;
  }

  void Str(lxw_worksheet* ws, int row, int col, absl::string_view text,
           lxw_format* f = nullptr) {
    if (ws == nullptr) return;
    if (text.empty() && f == nullptr) return;
    Check(worksheet_write_string(ws, row, col, CellText(text).c_str(),
                                 f != nullptr ? f : wrap_));
  }
  void Num(lxw_worksheet* ws, int row, int col, double v,
           lxw_format* f = nullptr) {
    if (ws != nullptr) Check(worksheet_write_number(ws, row, col, v, f));
  }

  // A header row, frozen, with widths per column.
  void Header(lxw_worksheet* ws,
              const std::vector<std::pair<const char*, double>>& columns) {
    if (ws == nullptr) return;
    for (size_t c = 0; c < columns.size(); ++c) {
      Str(ws, 0, static_cast<int>(c), columns[c].first, header_);
      Check(worksheet_set_column(ws, c, c, columns[c].second, nullptr));
    }
    worksheet_freeze_panes(ws, 1, 0);
  }
  // Autofilter over the header and rows 1..last_row.
  void Filter(lxw_worksheet* ws, int last_row, int columns) {
    if (ws == nullptr) return;
    Check(worksheet_autofilter(ws, 0, 0, std::max(last_row, 0), columns - 1));
  }

  lxw_format* header() const { return header_; }
  lxw_format* percent() const { return percent_; }
  lxw_format* ratio() const { return ratio_; }

  absl::StatusOr<std::string> Finish() {
    if (!file_.ok()) {
      return absl::UnavailableError(
          "cannot create a temporary file for the workbook");
    }
    if (wb_ == nullptr) {
      return absl::InternalError("libxlsxwriter could not start a workbook");
    }
    const lxw_error closed = workbook_close(wb_);
    wb_ = nullptr;
    if (error_ == LXW_NO_ERROR) error_ = closed;
    if (error_ != LXW_NO_ERROR) {
      return absl::InternalError(
          absl::StrCat("libxlsxwriter: ", lxw_strerror(error_)));
    }
    std::ifstream in(file_.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return absl::UnavailableError(
          absl::StrCat("cannot read back ", file_.path()));
    }
    return bytes.str();
  }

 private:
  void Check(lxw_error e) {
    if (e != LXW_NO_ERROR && error_ == LXW_NO_ERROR) error_ = e;
  }

  TempFile file_;
  lxw_workbook* wb_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* wrap_ = nullptr;
  lxw_format* percent_ = nullptr;
  lxw_format* ratio_ = nullptr;
  absl::flat_hash_map<std::pair<uint32_t, bool>, lxw_format*> fills_;
  lxw_error error_ = LXW_NO_ERROR;
};

std::string Label(const cov::v1::TechniqueCoverage& t) {
  return absl::StrCat(t.technique_id(), " ", t.name());
}

// The matrix sheet: the HTML report's layout, one column per tactic.
void MatrixSheet(Book& book, const cov::v1::CoverageResponse& c) {
  lxw_worksheet* ws = book.Sheet("Matrix");
  if (ws == nullptr) return;
  absl::flat_hash_map<absl::string_view, int> index_of;
  for (int i = 0; i < c.techniques_size(); ++i) {
    index_of.emplace(c.techniques(i).technique_id(), i);
  }
  auto has_tactic = [&c](int t, absl::string_view tactic) {
    const auto& tactics = c.techniques(t).tactics();
    return std::find(tactics.begin(), tactics.end(), tactic) != tactics.end();
  };
  std::vector<int> parent_of(c.techniques_size(), -1);
  for (int i = 0; i < c.techniques_size(); ++i) {
    const auto it = index_of.find(c.techniques(i).parent());
    if (c.techniques(i).parent().empty() || it == index_of.end() ||
        it->second == i || !c.techniques(it->second).parent().empty()) {
      continue;
    }
    parent_of[i] = it->second;
  }
  for (int col = 0; col < c.tactics_size(); ++col) {
    const cov::v1::TacticCoverage& tc = c.tactics(col);
    worksheet_set_column(ws, col, col, 30, nullptr);
    book.Str(ws, 0, col, tc.name().empty() ? tc.tactic() : tc.name(),
             book.header());
    book.Str(ws, 1, col,
             absl::StrFormat("%d/%d (%.0f%%)", tc.covered(), tc.potential(),
                             std::clamp(tc.ratio(), 0.0, 1.0) * 100),
             book.ratio());
    // Top-level entries by name, each followed by its sub-techniques here.
    std::vector<int> top;
    std::vector<std::vector<int>> subs(c.techniques_size());
    for (int i = 0; i < c.techniques_size(); ++i) {
      if (!has_tactic(i, tc.tactic())) continue;
      if (parent_of[i] >= 0 && has_tactic(parent_of[i], tc.tactic())) {
        subs[parent_of[i]].push_back(i);
      } else {
        top.push_back(i);
      }
    }
    auto by_name = [&c](int a, int b) {
      const auto& ta = c.techniques(a);
      const auto& tb = c.techniques(b);
      if (ta.name() != tb.name()) return ta.name() < tb.name();
      return ta.technique_id() < tb.technique_id();
    };
    std::sort(top.begin(), top.end(), by_name);
    int row = 2;
    for (int t : top) {
      const auto& tech = c.techniques(t);
      book.Str(ws, row++, col, Label(tech),
               book.Fill(XlsxStateColor(State(tech))));
      std::sort(subs[t].begin(), subs[t].end(), by_name);
      for (int s : subs[t]) {
        const auto& sub = c.techniques(s);
        book.Str(ws, row++, col, Label(sub),
                 book.Fill(XlsxStateColor(State(sub)), /*indent=*/true));
      }
    }
  }
  worksheet_freeze_panes(ws, 2, 0);
}

void TacticsSheet(Book& book, const cov::v1::CoverageResponse& c) {
  lxw_worksheet* ws = book.Sheet("Tactics");
  book.Header(ws, {{"Tactic", 22},
                   {"Tactic ID", 10},
                   {"Name", 22},
                   {"Potential", 10},
                   {"Covered", 10},
                   {"Ratio", 10}});
  int row = 0;
  for (const cov::v1::TacticCoverage& tc : c.tactics()) {
    ++row;
    book.Str(ws, row, 0, tc.tactic());
    book.Str(ws, row, 1, tc.tactic_id());
    book.Str(ws, row, 2, tc.name());
    book.Num(ws, row, 3, tc.potential());
    book.Num(ws, row, 4, tc.covered());
    book.Num(ws, row, 5, tc.ratio(), book.percent());
  }
  book.Filter(ws, row, 6);
}

void KillChainSheet(Book& book, const cov::v1::CoverageResponse& c) {
  if (c.phases().empty()) return;
  lxw_worksheet* ws = book.Sheet("Kill chain");
  book.Header(ws, {{"Phase", 24},
                   {"Order", 8},
                   {"Tactics", 30},
                   {"Potential", 10},
                   {"Covered", 10},
                   {"Ratio", 10}});
  int row = 0;
  for (const cov::v1::PhaseCoverage& p : c.phases()) {
    ++row;
    book.Str(ws, row, 0, p.name());
    book.Num(ws, row, 1, p.order());
    book.Str(ws, row, 2, absl::StrJoin(p.tactics(), "\n"));
    book.Num(ws, row, 3, p.potential());
    book.Num(ws, row, 4, p.covered());
    book.Num(ws, row, 5, p.ratio(), book.percent());
  }
  book.Filter(ws, row, 6);
}

void TechniquesSheet(Book& book, const cov::v1::CoverageResponse& c) {
  lxw_worksheet* ws = book.Sheet("Techniques");
  book.Header(ws, {{"Technique ID", 12},
                   {"Name", 30},
                   {"Tactic", 20},
                   {"Parent", 10},
                   {"State", 12},
                   {"Rules", 8},
                   {"Rule list", 50},
                   {"Evidence", 10},
                   {"Data components", 30},
                   {"Platforms", 16},
                   {"Users", 8},
                   {"Used by", 30}});
  int row = 0;
  for (const cov::v1::TechniqueCoverage& t : c.techniques()) {
    std::vector<std::string> rules;
    for (const cov::v1::RuleRef& r : t.rules()) {
      rules.push_back(absl::StrCat(r.uid(), " (", r.source(), ")"));
    }
    const std::string rule_list = absl::StrJoin(rules, "\n");
    const absl::string_view state = State(t);
    std::vector<std::string> tactics(t.tactics().begin(), t.tactics().end());
    if (tactics.empty()) tactics.emplace_back();
    for (const std::string& tactic : tactics) {
      ++row;
      book.Str(ws, row, 0, t.technique_id());
      book.Str(ws, row, 1, t.name());
      book.Str(ws, row, 2, tactic);
      book.Str(ws, row, 3, t.parent());
      book.Str(ws, row, 4, state, book.Fill(XlsxStateColor(state)));
      book.Num(ws, row, 5, t.rule_count());
      book.Str(ws, row, 6, rule_list);
      book.Str(ws, row, 7, t.evidence());
      book.Str(ws, row, 8, absl::StrJoin(t.data_components(), "\n"));
      book.Str(ws, row, 9, absl::StrJoin(t.platforms(), "\n"));
      book.Num(ws, row, 10, t.user_count());
      book.Str(ws, row, 11, absl::StrJoin(t.used_by(), "\n"));
    }
  }
  book.Filter(ws, row, 12);
}

void GapsSheet(Book& book, const cov::v1::GapsResponse& g) {
  lxw_worksheet* ws = book.Sheet("Gaps");
  book.Header(ws, {{"Rank", 6},
                   {"Technique ID", 12},
                   {"Name", 30},
                   {"Tactics", 20},
                   {"Score", 8},
                   {"Named groups", 20},
                   {"Users", 8},
                   {"Data components", 30},
                   {"Platforms", 16},
                   {"Detection", 60},
                   {"Used by", 40},
                   {"URL", 40}});
  int row = 0;
  for (const cov::v1::Gap& gap : g.gaps()) {
    ++row;
    std::vector<std::string> users;
    for (const cov::v1::Procedure& p : gap.procedures()) {
      users.push_back(absl::StrCat(p.id(), " ", p.name()));
    }
    book.Num(ws, row, 0, row);
    book.Str(ws, row, 1, gap.technique_id());
    book.Str(ws, row, 2, gap.name());
    book.Str(ws, row, 3, absl::StrJoin(gap.tactics(), "\n"));
    book.Num(ws, row, 4, gap.score());
    book.Str(ws, row, 5, absl::StrJoin(gap.named_groups(), "\n"));
    book.Num(ws, row, 6, gap.user_count());
    book.Str(ws, row, 7, absl::StrJoin(gap.data_components(), "\n"));
    book.Str(ws, row, 8, absl::StrJoin(gap.platforms(), "\n"));
    book.Str(ws, row, 9, gap.detection());
    book.Str(ws, row, 10, absl::StrJoin(users, "\n"));
    book.Str(ws, row, 11, gap.url());
  }
  book.Filter(ws, row, 12);
}

uint32_t EvidenceColor(absl::string_view evidence) {
  if (evidence == "validated") return 0x4E9A51;
  if (evidence == "claimed") return 0xB7DBA0;
  if (evidence == "stale") return 0xF5D491;
  if (evidence == "failed") return 0xE57373;
  return 0xFFFFFF;
}

}  // namespace

uint32_t XlsxStateColor(absl::string_view state) {
  if (state == "covered") return 0x4E9A51;
  if (state == "rollup") return 0xB7DBA0;
  if (state == "uncovered") return 0xF3A6A6;
  if (state == "unreachable") return 0xE4E4E4;
  return 0xFFFFFF;
}

absl::StatusOr<std::string> CoverageXlsx(
    const cov::v1::CoverageResponse& coverage) {
  Book book;
  MatrixSheet(book, coverage);
  TacticsSheet(book, coverage);
  KillChainSheet(book, coverage);
  TechniquesSheet(book, coverage);
  return book.Finish();
}

absl::StatusOr<std::string> GapsXlsx(const cov::v1::CoverageResponse& coverage,
                                     const cov::v1::GapsResponse& gaps) {
  Book book;
  MatrixSheet(book, coverage);
  GapsSheet(book, gaps);
  return book.Finish();
}

absl::StatusOr<std::string> PlanXlsx(const cov::v1::PlanResponse& plan) {
  Book book;
  lxw_worksheet* ws = book.Sheet("Plan");
  book.Header(ws, {{"Order", 6},
                   {"Step", 8},
                   {"Technique ID", 12},
                   {"Name", 30},
                   {"Tactic", 20},
                   {"Procedure", 60},
                   {"Tests", 40},
                   {"Expected rules", 40},
                   {"Expected rule count", 10},
                   {"Data components", 30},
                   {"Evidence", 10}});
  int row = 0;
  for (const cov::v1::PlanStep& s : plan.steps()) {
    ++row;
    std::vector<std::string> tests, rules;
    for (const auto& t : s.tests()) tests.push_back(t.name());
    for (const auto& r : s.expected_rules()) {
      rules.push_back(absl::StrCat(r.uid(), " (", r.source(), ")"));
    }
    book.Num(ws, row, 0, s.order());
    book.Str(ws, row, 1, s.step_id());
    book.Str(ws, row, 2, s.technique_id());
    book.Str(ws, row, 3, s.technique_name());
    book.Str(ws, row, 4, s.tactic());
    book.Str(ws, row, 5, s.procedure());
    book.Str(ws, row, 6, absl::StrJoin(tests, "\n"));
    book.Str(ws, row, 7, absl::StrJoin(rules, "\n"));
    book.Num(ws, row, 8, s.expected_rule_count());
    book.Str(ws, row, 9, absl::StrJoin(s.data_components(), "\n"));
    book.Str(ws, row, 10, s.evidence(), book.Fill(EvidenceColor(s.evidence())));
  }
  book.Filter(ws, row, 11);

  lxw_worksheet* tests = book.Sheet("Tests");
  book.Header(tests, {{"Technique ID", 12},
                      {"Test GUID", 38},
                      {"Name", 40},
                      {"Platforms", 16},
                      {"Executor", 14},
                      {"Elevation required", 10},
                      {"Command", 60},
                      {"Cleanup", 40},
                      {"Origin", 20}});
  row = 0;
  for (const cov::v1::PlanStep& s : plan.steps()) {
    for (const cov::v1::TestProcedure& t : s.tests()) {
      ++row;
      book.Str(tests, row, 0, s.technique_id());
      book.Str(tests, row, 1, t.guid());
      book.Str(tests, row, 2, t.name());
      book.Str(tests, row, 3, absl::StrJoin(t.platforms(), "\n"));
      book.Str(tests, row, 4, t.executor());
      book.Str(tests, row, 5, t.elevation_required() ? "yes" : "no");
      book.Str(tests, row, 6, t.command());
      book.Str(tests, row, 7, t.cleanup_command());
      book.Str(tests, row, 8, t.origin());
    }
  }
  book.Filter(tests, row, 9);
  return book.Finish();
}

}  // namespace cov::server::exporter
