// Renderers of `cov check` results for people and for CI systems.
//
// Pure functions of a cov.v1.CheckResponse: no I/O, no store, no gRPC.
// Formats (CheckRequest.output_format):
//   "text"   `path:line:col: severity: message [code]` per finding (sorted by
//            path, line, column), a coverage-delta section when the response
//            has a delta, and a one-line verdict such as
//            `FAILED: 2 errors, 1 warning, 1 regression (12 rules in 3 files)`.
//   "json"   the response in the proto3 JSON mapping (lowerCamelCase names,
//            fields with default values included), `rendered` cleared.
//   "sarif"  SARIF 2.1.0: one run of tool "cov", one reportingDescriptor per
//            finding code, one result per finding plus one result per
//            coverage regression (ruleId "coverage-regression").
//   "junit"  JUnit XML: one <testsuite name="cov check">, one <testcase> per
//            checked file (failing on findings at or above fail_on) and, when
//            the response has a delta, a `coverage` testcase failing on
//            regressions.
//   "github" GitHub Actions workflow commands (`::error file=...::msg`), one
//            per finding and per regression, then the text verdict line.
//
//   RenderOptions opts;
//   opts.checked_files = {"rules/a.yml", "rules/b.yml"};
//   std::string sarif = RenderCheck(response, "sarif", opts);
#ifndef COV_SERVER_CHECK_RENDER_H_
#define COV_SERVER_CHECK_RENDER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/check.pb.h"

namespace cov::server::check {

// A place in the repository.
struct SourceLocation {
  // Relative path as the user sees it.
  std::string path;
  // 1-based; 0 when only the file is known.
  int line = 0;
};

struct RenderOptions {
  // Findings of this severity or above fail their JUnit testcase; lower ones
  // are listed in the testcase's <system-out>. Should match
  // CheckRequest.fail_on. Default: SEVERITY_ERROR.
  cov::v1::Severity fail_on = cov::v1::SEVERITY_ERROR;
  // Every file that was checked, for JUnit (files without findings become
  // passing testcases). Default: empty, meaning the files named by findings.
  std::vector<std::string> checked_files;
  // Where a technique was covered at base (e.g. the removed or changed rule),
  // keyed by technique ID ("T1105"); places regression results in SARIF and
  // GitHub output. Techniques not in the map are reported at the repository
  // root. Default: empty.
  std::map<std::string, SourceLocation> regression_locations;
  // SARIF tool.driver.version. Default: "0.1.0".
  std::string tool_version = "0.1.0";
  // SARIF tool.driver.informationUri. Default: the ATT&CK site (the project
  // has no public home page).
  std::string information_uri = "https://attack.mitre.org/";
};

// True for "text", "json", "sarif", "junit" and "github".
bool IsRenderFormat(absl::string_view format);

// Renders `response` in `format` (see the file comment). Returns "" for an
// empty or unknown format (check with IsRenderFormat first). Thread-safe.
std::string RenderCheck(const cov::v1::CheckResponse& response,
                        absl::string_view format, const RenderOptions& options);

}  // namespace cov::server::check

#endif  // COV_SERVER_CHECK_RENDER_H_
