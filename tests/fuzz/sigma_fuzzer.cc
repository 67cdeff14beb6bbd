// libFuzzer target for cov::ingest::sigma::SigmaParser::Parse.
//
// The input is one .yml file. Besides crashes, sanitizer reports and hangs
// (yaml-cpp is the usual suspect; the parser's prescan must bound it) it
// checks the header's promises: every rule has a uid, SIGMA format, a line
// inside the file and round-trips through protobuf (invalid bytes must have
// become U+FFFD); every diagnostic is well formed and round-trips.
#include <cstddef>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/sigma/sigma_parser.h"
#include "tests/fuzz/fuzz_checks.h"

namespace fz = ::cov::tests::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* const kParser = new cov::ingest::sigma::SigmaParser();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const cov::ingest::ParsedFile parsed =
      kParser->Parse({"rules/fuzz.yml", text, "fz"});
  const int max_line = fz::MaxLine(text);
  for (const cov::v1::Rule& r : parsed.rules) {
    fz::RequireRule(r, max_line, cov::v1::RULE_FORMAT_SIGMA);
    COV_FUZZ_REQUIRE(r.source() == "fz",
                     absl::StrCat("rule ", r.uid(), ": source"));
  }
  for (const cov::v1::Diagnostic& d : parsed.diagnostics) {
    fz::RequireDiagnostic(d, max_line);
  }
  return 0;
}
