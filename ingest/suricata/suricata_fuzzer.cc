// libFuzzer target for SuricataParser::Parse.
//
// Besides crashes and sanitizer reports it checks invariants: every rule
// has a uid and a line inside the file, every record serialises (proto3
// strings must be valid UTF-8), and diagnostics point inside the file.
//
// Build with clang (`-fsanitize=fuzzer`); suricata_fuzzer_replay_test runs
// the seed corpus in suricata_fuzzer_corpus/ as a normal test.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "ingest/suricata/suricata_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* const kParser =
      new cov::ingest::suricata::SuricataParser();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  cov::ingest::ParsedFile parsed = kParser->Parse({"fuzz.rules", text, "fz"});
  int lines = 1;
  for (char c : text) lines += c == '\n';
  std::string wire;
  for (const cov::v1::Rule& r : parsed.rules) {
    if (r.uid().empty() || r.line() < 1 || r.line() > lines) std::abort();
    if (r.sid() < 1 || r.content_hash().size() != 16) std::abort();
    for (const auto& a : r.attack_refs()) {
      if (a.line() < r.line() || a.line() > lines) std::abort();
    }
    if (!r.SerializeToString(&wire)) std::abort();
  }
  for (const cov::v1::Diagnostic& d : parsed.diagnostics) {
    if (d.line() < 0 || d.line() > lines || d.code().empty()) std::abort();
    if (!d.SerializeToString(&wire)) std::abort();
  }
  return 0;
}
