// libFuzzer target for cov::ingest::layer::LayerParser::Parse (issue 13).
//
// Besides crashes and sanitizer reports it checks the header's promises:
// every rule has a uid, its format, a line inside the file and a content
// hash, disabled rules say why, and every record round-trips through
// protobuf (invalid bytes must have become U+FFFD).
// The first input byte picks JSON (even) or CSV (odd) so both readers run.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/layer/layer_parser.h"
#include "tests/fuzz/fuzz_checks.h"

namespace fz = ::cov::tests::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* const kParser = new cov::ingest::layer::LayerParser();
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  std::string path = "fuzz.json";
  if (!text.empty()) {
    if (text[0] & 1) path = "fuzz.csv";
    text.remove_prefix(1);
  }
  const cov::ingest::ParsedFile parsed = kParser->Parse({path, text, "fz"});
  const int max_line = fz::MaxLine(text);
  for (const cov::v1::Rule& r : parsed.rules) {
    fz::RequireRule(r, max_line, cov::v1::RULE_FORMAT_LAYER);
    COV_FUZZ_REQUIRE(
        r.enabled() == r.disabled_reason().empty(),
        absl::StrCat("rule ", r.uid(), ": disabled exactly when it says why"));
  }
  for (const cov::v1::Diagnostic& d : parsed.diagnostics) {
    fz::RequireDiagnostic(d, max_line);
  }
  return 0;
}
