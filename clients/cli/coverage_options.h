// CoverageOptions from the command line, shared by coverage, gaps, layer,
// report and check: --rollup, --tactic_context, --include_disabled,
// --evidence and --profile (the file's text is sent and parsed by covd, so
// every client reports profile errors with the same file:line).
//
// Example:
//   cov::v1::CoverageRequest req;
//   if (!CoverageOptionsFromFlags(req.mutable_options())) return 1;
#ifndef COV_CLIENTS_CLI_COVERAGE_OPTIONS_H_
#define COV_CLIENTS_CLI_COVERAGE_OPTIONS_H_

#include "cov/v1/coverage.pb.h"

namespace cov::clients::cli {

// Fills `options`; false (after printing "cov: cannot read profile PATH")
// when --profile names an unreadable file.
bool CoverageOptionsFromFlags(cov::v1::CoverageOptions* options);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_COVERAGE_OPTIONS_H_
