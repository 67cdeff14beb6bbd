// Hand-built coverage results for the exporter tests, the demo binary and the
// headless-browser test. Test-only.
//
// SampleCoverage() holds, over three tactics (initial-access, persistence,
// defense-evasion, in that order):
//   T1078      Valid Accounts       3 tactics, potential, 0 rules, covered by
//                                   rollup; parent of:
//   T1078.001  Default Accounts     3 tactics, potential, 1 rule
//   T1078.002  Domain Accounts      3 tactics, potential, 0 rules
//   T1195      Supply Chain Compromise  initial-access, NOT potential, 0 rules
//   T1197      BITS Jobs            persistence + defense-evasion, potential,
//                                   2 rules (titles with <script>, quotes,
//                                   commas and a newline), evidence
//                                   "validated", used by 2 groups
//   T1542      Pre-OS Boot          persistence + defense-evasion, NOT
//                                   potential, 5 rules
//   T1566      Phishing             initial-access, potential, 0 rules
// 15 technique x tactic cells; 12 of them for potential techniques.
#ifndef COV_SERVER_EXPORT_SAMPLE_COVERAGE_H_
#define COV_SERVER_EXPORT_SAMPLE_COVERAGE_H_

#include "cov/v1/coverage.pb.h"

namespace cov::server::exporter {

cov::v1::CoverageResponse SampleCoverage();

// Gaps for SampleCoverage(): T1078.002 (score 30.5, 3 tactics) then T1566
// (score 12, initial-access).
cov::v1::GapsResponse SampleGaps();

// A deterministic response shaped like the enterprise matrix: the 14
// enterprise tactics, `techniques` techniques and sub-techniques (about one in
// three a parent), ~45% covered with 1-8 rules, some outside the reach, some
// on two tactics. For size and speed measurements.
cov::v1::CoverageResponse SyntheticCoverage(int techniques);

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_SAMPLE_COVERAGE_H_
