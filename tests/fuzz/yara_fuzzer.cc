// libFuzzer target for cov::ingest::yara::YaraParser::ParseDetailed (which
// Parse wraps).
//
// The input is one .yar file. Besides crashes and sanitizer reports it
// checks the header's promises: uids are "<source>:<file>:<rule name>" and
// unique (a repeated name is not returned), titles are the rule names, the
// content hash is 16 lowercase hex digits, lines lie inside the file, every
// record round-trips through protobuf (invalid bytes must have become
// U+FFFD), and rule_info is parallel to the rules.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/yara/yara_parser.h"
#include "tests/fuzz/fuzz_checks.h"

namespace fz = ::cov::tests::fuzz;

namespace {

bool IsLowerHex16(const std::string& s) {
  if (s.size() != 16) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // libyara's compile check is left out: it is libyara's code (fuzzed by its
  // own project), uninstrumented here, and costs more than the parse.
  static const auto* const kParser = [] {
    cov::ingest::yara::YaraParserOptions o;
    o.compile_check = false;
    return new cov::ingest::yara::YaraParser(o);
  }();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const cov::ingest::yara::YaraFile file =
      kParser->ParseDetailed({"apt/fuzz.yar", text, "fz"});
  const int max_line = fz::MaxLine(text);
  COV_FUZZ_REQUIRE(file.rule_info.size() == file.parsed.rules.size(),
                   "rule_info is parallel to rules");
  std::set<std::string> uids;
  for (size_t i = 0; i < file.parsed.rules.size(); ++i) {
    const cov::v1::Rule& r = file.parsed.rules[i];
    COV_FUZZ_REQUIRE(r.yara_private() == file.rule_info[i].is_private,
                     absl::StrCat("rule ", r.uid(), ": yara_private"));
    COV_FUZZ_REQUIRE(
        r.yara_used_by() >= 0 &&
            r.yara_used_by() < static_cast<int>(file.parsed.rules.size()) &&
            (r.yara_private() || r.yara_used_by() == 0),
        absl::StrCat("rule ", r.uid(), ": yara_used_by ", r.yara_used_by()));
  }
  for (const cov::v1::Rule& r : file.parsed.rules) {
    fz::RequireRule(r, max_line, cov::v1::RULE_FORMAT_YARA);
    COV_FUZZ_REQUIRE(r.uid() == absl::StrCat("fz:apt/fuzz.yar:", r.title()),
                     absl::StrCat("uid '", r.uid(), "' is source:file:title"));
    COV_FUZZ_REQUIRE(!r.title().empty(), "rule has a name");
    COV_FUZZ_REQUIRE(IsLowerHex16(r.content_hash()),
                     absl::StrCat("rule ", r.uid(), ": content_hash '",
                                  r.content_hash(), "' is 16 lowercase hex"));
    COV_FUZZ_REQUIRE(uids.insert(r.uid()).second,
                     absl::StrCat("rule ", r.uid(), " returned twice"));
  }
  for (const cov::v1::Diagnostic& d : file.parsed.diagnostics) {
    fz::RequireDiagnostic(d, max_line);
  }
  for (const auto& dirs : {file.imports, file.includes}) {
    for (const auto& d : dirs) {
      COV_FUZZ_REQUIRE(d.line >= 1 && d.line <= max_line,
                       absl::StrCat("import/include line ", d.line));
    }
  }
  return 0;
}
