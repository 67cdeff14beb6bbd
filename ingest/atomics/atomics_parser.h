// Atomic Red Team technique files (atomics/T*/T*.yaml) to TestProcedures.
//
// A file is one YAML map: `attack_technique` (T#### or T####.###),
// `display_name` and `atomic_tests`, a list of tests. Each usable test
// becomes a cov::v1::TestProcedure with guid (auto_generated_guid), name,
// description, platforms (supported_platforms, as written), executor
// (executor.name), command (executor.command; for the `manual` executor its
// `steps` text), cleanup_command, elevation_required, input_arguments,
// dependencies, dependency_executor (dependency_executor_name) and origin
// "atomics". Text is kept as written (block scalars keep their final
// newline); `#{arg}` references are not substituted (see render.h).
//
// The file as a whole fails (kInvalidArgument, message "path:line:col: ...")
// when it is larger than kMaxAtomicsBytes, is not valid UTF-8 (protobuf
// strings must be), is not valid YAML, is not a map,
// or lacks a valid `attack_technique` or an `atomic_tests` list. Otherwise
// problems of single tests become Diagnostics (file, 1-based line/column,
// `object` = the test's GUID when known) and the other tests are kept.
// Errors drop the test; warnings keep it.
//
// Diagnostic codes (E: test dropped, W: kept):
//   atomics-invalid-test (E)        an atomic_tests item that is not a map
//   atomics-missing-guid (E)        no auto_generated_guid
//   atomics-duplicate-guid (E)      a GUID used by an earlier test of the file
//   atomics-missing-platforms (E)   no or empty supported_platforms
//   atomics-missing-executor (E)    no executor map or no executor.name
//   atomics-unknown-executor (E)    executor.name not one of command_prompt,
//                                   powershell, sh, bash, manual
//   atomics-missing-command (E)     no command (no steps for `manual`)
//   atomics-invalid-guid (W)        GUID not in 8-4-4-4-12 hex form
//   atomics-missing-name (W)        no test name
//   atomics-unknown-platform (W)    a platform Atomic Red Team does not define
//   atomics-unknown-dependency-executor (W)
//   atomics-undefined-argument (W)  `#{x}` used but x not in input_arguments
//   atomics-unused-argument (W)     an input argument no command uses
//   atomics-invalid-field (W)       a field of the wrong YAML type (ignored)
//   atomics-unknown-argument-type (W), atomics-invalid-dependency (W)
//   atomics-technique-mismatch (W)  file name names another technique
//   atomics-missing-display-name (W)
//   atomics-unknown-key (W)         a key the Atomic Red Team schema lacks
//
//   absl::StatusOr<AtomicsFile> f =
//       ParseAtomics(bytes, "atomics/T1197/T1197.yaml");
//   if (f.ok()) for (const AtomicTest& t : f->tests) Use(t.procedure);
//
// Thread-safe: pure function, no shared state.
#ifndef COV_INGEST_ATOMICS_ATOMICS_PARSER_H_
#define COV_INGEST_ATOMICS_ATOMICS_PARSER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/emulation.pb.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::atomics {

// Largest file accepted (the biggest real file is ~60 KB).
inline constexpr size_t kMaxAtomicsBytes = 4u << 20;

struct AtomicTest {
  cov::v1::TestProcedure procedure;
  // 1-based position in atomic_tests, counting dropped tests too: the test
  // number Invoke-AtomicRedTeam uses ("T1197-3").
  int number = 0;
  // 1-based line where the test starts.
  int line = 0;
};

struct AtomicsFile {
  std::string technique_id;       // "T1197"
  std::string display_name;       // "BITS Jobs"
  std::vector<AtomicTest> tests;  // usable tests, in file order
  std::vector<cov::v1::Diagnostic> diagnostics;
};

// See the file comment. `path` is used in diagnostics and to check that the
// file name (T1197.yaml) matches attack_technique.
absl::StatusOr<AtomicsFile> ParseAtomics(absl::string_view yaml,
                                         absl::string_view path);

// True for T#### and T####.### (upper-case T, digits).
bool IsTechniqueId(absl::string_view id);

}  // namespace cov::ingest::atomics

#endif  // COV_INGEST_ATOMICS_ATOMICS_PARSER_H_
