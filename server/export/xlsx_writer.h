// Excel workbooks (.xlsx, Office Open XML) of coverage, gaps and emulation
// plans, for the ATT&CK-workbook users who filter and annotate in a
// spreadsheet. Written with Debian's libxlsxwriter.
//
// CoverageXlsx:
//   "Matrix"      one column per tactic in the response's (kill-chain) order;
//                 row 1 the tactic name, row 2 "covered/potential (xx%)",
//                 then one cell per technique under each of its tactics
//                 ("T1197 BITS Jobs", top-level techniques by name, each
//                 followed by its sub-techniques of that tactic, indented).
//                 Cells are filled like the HTML report: covered #4E9A51
//                 (white text), rollup #B7DBA0, uncovered #F3A6A6,
//                 unreachable #E4E4E4 (see XlsxStateColor). Rows 1-2 frozen.
//   "Tactics"     tactic, tactic ID, name, potential, covered, ratio.
//   "Kill chain"  only when the response has phases: phase, order, tactics,
//                 potential, covered, ratio.
//   "Techniques"  one row per technique x tactic (like the CSV): technique
//                 ID, name, tactic, parent, state, rule count, rules
//                 ("uid (source)" per line), evidence, data components,
//                 platforms, user count, used by; the state cell is filled
//                 with the state's colour.
// GapsXlsx: the same "Matrix" (from the coverage response), then "Gaps":
//   rank, technique ID, name, tactics, score, named groups, user count, data
//   components, platforms, detection text, users (procedure ids and names),
//   URL.
// PlanXlsx: "Plan" (order, step, technique ID, name, tactic, procedure,
//   tests, expected rules, expected rule count, data components, evidence;
//   the evidence cell filled: validated #4E9A51, claimed #B7DBA0, stale
//   #F5D491, failed #E57373) and "Tests" (technique ID, test GUID, name,
//   platforms, executor, elevation required, command, cleanup, origin).
// Every table sheet has its header row frozen and an autofilter over the
// header and all data rows. List cells are joined with newlines; text
// longer than Excel's 32,767-character cell limit is cut (at a UTF-8
// boundary) and ends with "…". Strings are written as strings, never as
// formulas.
//
// Pure functions (model in, bytes out): libxlsxwriter 1.1.4 writes only to
// files, so each call writes a private temporary file (mkstemp under
// $TMPDIR, else /tmp), reads it back and removes it. Thread-safe. Fail with
// kUnavailable when the temporary file cannot be created or read, kInternal
// when libxlsxwriter reports an error.
//
// Example:
//   absl::StatusOr<std::string> xlsx = CoverageXlsx(coverage);
//   if (!xlsx.ok()) return xlsx.status();
//   response->set_content(*std::move(xlsx));
#ifndef COV_SERVER_EXPORT_XLSX_WRITER_H_
#define COV_SERVER_EXPORT_XLSX_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/coverage.pb.h"
#include "cov/v1/emulation.pb.h"

namespace cov::server::exporter {

// MIME type of the workbooks.
inline constexpr absl::string_view kXlsxContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// Fill colour (0xRRGGBB) of a matrix state: "covered", "rollup",
// "uncovered" or "unreachable" (the HTML report's palette); 0xFFFFFF
// otherwise.
uint32_t XlsxStateColor(absl::string_view state);

absl::StatusOr<std::string> CoverageXlsx(
    const cov::v1::CoverageResponse& coverage);

absl::StatusOr<std::string> GapsXlsx(const cov::v1::CoverageResponse& coverage,
                                     const cov::v1::GapsResponse& gaps);

absl::StatusOr<std::string> PlanXlsx(const cov::v1::PlanResponse& plan);

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_XLSX_WRITER_H_
