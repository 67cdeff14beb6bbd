// SigmaHQ-style rule regression tests (`cov check PATH --tests DIR`): each
// test is a folder holding an `info.yml` and the recorded events of the
// attack the rule must catch. The rule is evaluated on the events and its
// match count compared with what info.yml expects.
//
// info.yml (SigmaHQ regression_data layout):
//   rule_metadata: [{id: <Sigma rule id>, title: ...}]
//   regression_tests_info: [{name, type: evtx, path: .../<x>.evtx,
//                            match_count: N}]   # match_count optional
// Every `.evtx` and `.json` file of the test's folder is evaluated (SigmaHQ
// ships each recording in both forms; a test is run from each), expecting
// the match_count of the regression_tests_info entry whose path has the
// same file stem (else the first entry's). Without match_count a test
// passes with at least one match.
//
// A result carries `error` (and fails) when the test cannot run: info.yml
// unreadable or without a rule id, the rule not among `rules`, the rule not
// evaluable (its reason), no events file in the folder.
//
//   std::vector<RegressionTestResult> r = RunRegressionTests(rules, tests);
//
// Pure apart from private temporary files for the events; thread-safe.
#ifndef COV_SERVER_REPLAY_REGRESSION_TESTS_H_
#define COV_SERVER_REPLAY_REGRESSION_TESTS_H_

#include <vector>

#include "absl/types/span.h"
#include "cov/v1/check.pb.h"
#include "cov/v1/rules.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace cov::server::replay {

// Sigma rules of `files` (parsed with the Sigma parser; other formats
// skipped), for RunRegressionTests.
std::vector<cov::v1::Rule> SigmaRulesOf(
    const google::protobuf::RepeatedPtrField<cov::v1::RuleFile>& files);

// One result per events file of every test folder of `tests` (paths
// relative to the tests folder), sorted by test folder then file.
std::vector<cov::v1::RegressionTestResult> RunRegressionTests(
    absl::Span<const cov::v1::Rule> rules,
    const google::protobuf::RepeatedPtrField<cov::v1::RuleFile>& tests);

// Findings for the failed results: code "regression-test-failed" (error)
// naming the test, file, expected and actual counts, or
// "regression-test-error" (error) with the reason; file = the test's
// info.yml.
std::vector<cov::v1::Diagnostic> RegressionFindings(
    const std::vector<cov::v1::RegressionTestResult>& results);

}  // namespace cov::server::replay

#endif  // COV_SERVER_REPLAY_REGRESSION_TESTS_H_
