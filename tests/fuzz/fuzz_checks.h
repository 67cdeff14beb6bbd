// Invariants shared by the libFuzzer targets in tests/fuzz.
//
// A fuzz target calls a parser's public entry point and then checks what the
// parser's header promises about its output. A broken promise aborts with a
// message on stderr, which libFuzzer (and the replay test) report as a crash:
//
//   const int max_line = fuzz::MaxLine(text);
//   for (const cov::v1::Rule& r : parsed.rules) {
//     fuzz::RequireRule(r, max_line, cov::v1::RULE_FORMAT_SIGMA);
//   }
//
// Thread-compatible: no shared state.
#ifndef COV_TESTS_FUZZ_FUZZ_CHECKS_H_
#define COV_TESTS_FUZZ_FUZZ_CHECKS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "google/protobuf/message.h"

namespace cov::tests::fuzz {

// Prints "fuzz invariant broken: <what>" to stderr and aborts unless `ok`.
void Require(bool ok, absl::string_view what);

// Prints "fuzz invariant broken: <what>" to stderr and aborts.
[[noreturn]] void Fail(absl::string_view what);

// Require with a lazily built message: `what` (anything convertible to
// absl::string_view, typically an absl::StrCat) is evaluated only when `ok`
// is false. The fuzzers check every output of every input; building
// messages that are never printed cost a large share of their executions.
#define COV_FUZZ_REQUIRE(ok, what)             \
  do {                                         \
    if (!(ok)) ::cov::tests::fuzz::Fail(what); \
  } while (0)

// The largest line number a position in `text` can have: 1 + the number of
// '\n' and '\r' bytes (generous, so any line-break convention fits).
int MaxLine(absl::string_view text);

// Requires `m` to survive a serialise/parse round trip into a fresh message
// of its type. Parsing fails on invalid UTF-8 in proto3 `string` fields, so
// this is what a gRPC client would see.
void RequireRoundTrip(const google::protobuf::Message& m,
                      absl::string_view what);

// A diagnostic: code set, 0 <= line <= max_line, column >= 0, a known
// severity, and it round-trips.
void RequireDiagnostic(const cov::v1::Diagnostic& d, int max_line);

// A parsed rule: uid set, `format`, 1 <= line <= max_line, ATT&CK reference
// lines in [0, max_line], content_hash non-empty, and it round-trips.
void RequireRule(const cov::v1::Rule& r, int max_line,
                 cov::v1::RuleFormat format);

}  // namespace cov::tests::fuzz

#endif  // COV_TESTS_FUZZ_FUZZ_CHECKS_H_
