// libFuzzer target for cov::ingest::atomics::ParseAtomics (Atomic Red Team
// technique files).
//
// The input is one T*.yaml file. Besides crashes, sanitizer reports and
// hangs it checks the header's promises: a failure is kInvalidArgument; on
// success the technique ID is valid, and every returned test has a unique
// GUID, platforms, a known executor and a command (else it would have been
// dropped), a test number and a line inside the file, and round-trips
// through protobuf; diagnostics are well formed.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/atomics/atomics_parser.h"
#include "tests/fuzz/fuzz_checks.h"

namespace fz = ::cov::tests::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cov::ingest::atomics::AtomicTest;
  const absl::string_view yaml(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<cov::ingest::atomics::AtomicsFile> f =
      cov::ingest::atomics::ParseAtomics(yaml, "atomics/T1197/T1197.yaml");
  if (!f.ok()) {
    COV_FUZZ_REQUIRE(
        f.status().code() == absl::StatusCode::kInvalidArgument,
        absl::StrCat("failure is kInvalidArgument: ", f.status().ToString()));
    return 0;
  }
  const int max_line = fz::MaxLine(yaml);
  COV_FUZZ_REQUIRE(cov::ingest::atomics::IsTechniqueId(f->technique_id),
                   absl::StrCat("technique id '", f->technique_id, "'"));
  static const std::set<std::string>* const kExecutors =
      new std::set<std::string>{"command_prompt", "powershell", "sh", "bash",
                                "manual"};
  std::set<std::string> guids;
  int last_number = 0;
  for (const AtomicTest& t : f->tests) {
    const cov::v1::TestProcedure& p = t.procedure;
    const std::string what = absl::StrCat("test #", t.number, " ", p.guid());
    COV_FUZZ_REQUIRE(!p.guid().empty() && guids.insert(p.guid()).second,
                     absl::StrCat(what, ": unique GUID"));
    COV_FUZZ_REQUIRE(p.platforms_size() > 0, absl::StrCat(what, ": platforms"));
    COV_FUZZ_REQUIRE(
        kExecutors->count(p.executor()) == 1,
        absl::StrCat(what, ": known executor '", p.executor(), "'"));
    COV_FUZZ_REQUIRE(!p.command().empty(), absl::StrCat(what, ": command"));
    COV_FUZZ_REQUIRE(t.number > last_number,
                     absl::StrCat(what, ": number grows"));
    last_number = t.number;
    COV_FUZZ_REQUIRE(t.line >= 1 && t.line <= max_line,
                     absl::StrCat(what, ": line ", t.line));
    fz::RequireRoundTrip(p, what);
  }
  for (const cov::v1::Diagnostic& d : f->diagnostics) {
    fz::RequireDiagnostic(d, max_line);
  }
  return 0;
}
