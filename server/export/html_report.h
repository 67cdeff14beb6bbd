// A self-contained HTML report of a coverage response: one page, inline CSS
// and JavaScript, no network access (a Content-Security-Policy of
// default-src 'none' forbids any load), no external fonts.
//
// The page shows the ATT&CK matrix with one column per tactic in the
// response's (kill-chain) order, headed by the tactic name, its
// "covered/potential (xx%)" ratio and a bar. Each technique is one cell under
// each of its tactics; sub-techniques are listed under their parent in a
// collapsible <details> (open when one of them has rules). A cell is
//   <div class="cell" data-technique="T1197" data-tactic="persistence"
//        data-state="covered|rollup|uncovered|unreachable" ...>
// (unreachable = outside the profile's reach; covered = rule_count > 0;
// rollup = covered only through sub-techniques; uncovered = in reach, no
// rule), coloured by state, with a legend. Clicking a cell (or Enter) fills
// the panel <aside id="detail"> with the technique's rules (uid, source,
// title, status), data components, platforms and users (`used_by`); the data
// for it is embedded as JSON in <script type="application/json"
// id="cov-data">. Techniques whose tactics are not among the response's
// tactics get no cell.
//
// A toggle (<div class="views"> with buttons data-view="tactics" and
// data-view="killchain") switches to the Cyber Kill Chain view: the seven
// phases as columns (<div class="matrix" id="killchain">, drawn by the page
// script on first use), each headed "covered/potential (xx%)" and listing
// every technique with a tactic in the phase once. The phase figures are
// embedded as "phases" in the JSON: the response's own `phases` when it has
// them (by=killchain), else counted from its techniques with the
// cov-killchain-1 mapping (server/engine/killchain.h; covered = a rule or
// rollup).
//
// Every text from the response is HTML-escaped (JSON-escaped in the blob, with
// `<`, `>` and `&` as \u escapes). Pure function; thread-safe.
#ifndef COV_SERVER_EXPORT_HTML_REPORT_H_
#define COV_SERVER_EXPORT_HTML_REPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/coverage.pb.h"

namespace cov::server::exporter {

struct HtmlOptions {
  // Page title and heading. Default: "ATT&CK detection coverage".
  std::string title = "ATT&CK detection coverage";
  // A line under the heading, e.g. the profile name. Default: "" (none).
  std::string subtitle;
  // Shown as "generated <generated_at>" in the summary; the report reads no
  // clock itself. Default: "" (not shown).
  std::string generated_at;
};

// The report as one HTML document (UTF-8).
std::string HtmlReport(const cov::v1::CoverageResponse& coverage,
                       const HtmlOptions& options);

// Appends `text` to `*out` with &, <, >, " and ' escaped as entities.
void AppendHtmlEscaped(absl::string_view text, std::string* out);

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_HTML_REPORT_H_
