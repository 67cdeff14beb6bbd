// Input-argument substitution for Atomic Red Team tests and CTID procedures.
//
// Commands name their arguments as `#{name}` (Atomic Red Team's mustache
// syntax: the name is everything between `#{` and the next `}` on the same
// line). Rendering replaces each reference by the caller's override for that
// name, else by the test's `input_arguments` default (an argument whose
// default is null renders as ""). References to names neither overridden
// nor defined are left as written. Substitution is one pass: a value that
// itself holds `#{...}` is not expanded again.
//
//   cov::ingest::atomics::ArgumentOverrides o = {{"remote_file", "http://x"}};
//   std::string cmd = RenderCommand(test, o);
//
// All functions are pure and thread-safe.
#ifndef COV_INGEST_ATOMICS_RENDER_H_
#define COV_INGEST_ATOMICS_RENDER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/emulation.pb.h"

namespace cov::ingest::atomics {

// Argument name -> value chosen by the operator.
using ArgumentOverrides = std::map<std::string, std::string, std::less<>>;

// Distinct argument names referenced in `text`, in order of first use.
std::vector<std::string> ReferencedArguments(absl::string_view text);

// `text` with its references substituted from `overrides` and the defaults
// of `test`. When `unresolved` is not null, the distinct names left as
// written are appended to it (in order of first use).
std::string RenderText(absl::string_view text,
                       const cov::v1::TestProcedure& test,
                       const ArgumentOverrides& overrides,
                       std::vector<std::string>* unresolved = nullptr);

// RenderText of test.command() (for the `manual` executor: its steps).
std::string RenderCommand(const cov::v1::TestProcedure& test,
                          const ArgumentOverrides& overrides = {},
                          std::vector<std::string>* unresolved = nullptr);

// RenderText of test.cleanup_command().
std::string RenderCleanup(const cov::v1::TestProcedure& test,
                          const ArgumentOverrides& overrides = {},
                          std::vector<std::string>* unresolved = nullptr);

}  // namespace cov::ingest::atomics

#endif  // COV_INGEST_ATOMICS_RENDER_H_
