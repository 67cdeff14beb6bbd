// A small RAII wrapper over Debian's libyara (4.2.x): compile YARA source
// text, collecting every compiler message as file:line: message, and scan a
// buffer or a file with size and time limits, returning the matching rules.
//
// libyara is initialised once per process (yr_initialize on first use, never
// finalised). The parser in yara_parser.h does not use libyara; this file is
// the only place cov calls it, so "does libyara accept this?" has one answer.
//
//   ASSIGN_OR_RETURN(auto compiler, YaraCompiler::Create());
//   if (!compiler->AddSource(text, "apt_x.yar").ok()) {
//     for (const YaraMessage& e : compiler->errors()) Log(e.ToString());
//   }
//   ASSIGN_OR_RETURN(std::unique_ptr<YaraRules> rules, compiler->Finish());
//   ASSIGN_OR_RETURN(YaraScanResult r, rules->ScanFile("/tmp/sample.exe"));
//   for (const YaraMatch& m : r.matches) Print(m.rule);
//
// External variables: signature-base and THOR-style rules read `filename`,
// `filepath`, `extension`, `filetype` and `owner`; they are defined as empty
// strings at compile time (CompilerOptions::string_externals), and ScanFile
// sets filename/filepath/extension from the scanned path (filetype and owner
// stay empty).
//
// Includes (`include "x.yar"`) are refused with an error: a rule source is
// compiled from the text given, never by reading other files.
#ifndef COV_INGEST_YARA_YARA_COMPILER_H_
#define COV_INGEST_YARA_YARA_COMPILER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

// libyara's types (yara.h is kept out of cov's headers).
struct _YR_COMPILER;  // NOLINT: libyara's spelling of YR_COMPILER
struct YR_RULES;
struct YR_SCAN_CONTEXT;

namespace cov::ingest::yara {

// Initialises libyara for the process; idempotent and thread-safe. Returns
// kInternal when yr_initialize fails (then every later call fails too).
absl::Status EnsureYaraInitialized();

// One message of the libyara compiler.
struct YaraMessage {
  std::string file;  // the file name given to AddSource (or an include's)
  int line = 0;      // 1-based; 0 when libyara gives none
  std::string message;
  // "file:line: message" (":line" omitted when 0).
  std::string ToString() const;
};

struct CompilerOptions {
  // String externals defined as "" before any source is added.
  // Default: filename, filepath, extension, filetype, owner.
  std::vector<std::string> string_externals = {
      "filename", "filepath", "extension", "filetype", "owner"};
  // At most this many errors and this many warnings are kept; later ones are
  // only counted (dropped_messages). Default: 100.
  int max_messages = 100;
  // AddSource refuses longer text with kResourceExhausted. Default: 16 MiB.
  size_t max_source_bytes = 16u << 20;
};

struct ScanOptions {
  // ScanFile refuses larger files with kResourceExhausted, before reading
  // them; ScanBuffer refuses larger buffers. Default: 64 MiB.
  uint64_t max_file_bytes = 64u << 20;
  // A scan running longer stops with kDeadlineExceeded. libyara counts whole
  // seconds: the value is rounded up to at least 1 s. Default: 10 s.
  absl::Duration timeout = absl::Seconds(10);
  // libyara's fast mode: stop searching a string after its first match
  // (rule results are the same unless a condition counts occurrences).
  // Default: false (what the yara CLI does without -f).
  bool fast_mode = false;
  // ScanFile sets the externals filename (base name), filepath (the path as
  // given) and extension (".exe", with the dot; "" when none) as THOR does.
  // When false they keep their compile-time values. Default: true.
  bool set_path_externals = true;
};

// One compiled rule.
struct YaraRuleEntry {
  std::string ns;
  std::string name;
  bool is_private = false;
  std::vector<std::string> tags;
};

struct YaraMatch {
  std::string ns;  // namespace given to AddSource
  std::string rule;
  std::vector<std::string> tags;
};

struct YaraScanResult {
  // Matching non-private rules, in the order they were compiled.
  std::vector<YaraMatch> matches;
  uint64_t bytes_scanned = 0;
};

class YaraScanner;

// Compiled rules; immutable. Scan* are thread-safe (each scan uses its own
// libyara scanner; libyara allows up to 32 concurrent scans per process).
class YaraRules {
 public:
  ~YaraRules();
  YaraRules(const YaraRules&) = delete;
  YaraRules& operator=(const YaraRules&) = delete;

  // Scans `data`. Fails with kResourceExhausted when it is over
  // options.max_file_bytes, kDeadlineExceeded on timeout, kInternal for any
  // other libyara error.
  absl::StatusOr<YaraScanResult> ScanBuffer(
      absl::string_view data, const ScanOptions& options = {}) const;

  // Scans the file at `path` (memory-mapped by libyara). As ScanBuffer, plus
  // kNotFound when it does not exist, kUnavailable when it cannot be read,
  // kInvalidArgument when it is not a regular file. Messages name the path.
  absl::StatusOr<YaraScanResult> ScanFile(
      const std::string& path, const ScanOptions& options = {}) const;

  // A scanner to reuse for many scans (cheaper than ScanFile's one scanner
  // per call). kInternal when libyara cannot create one. The scanner must
  // not outlive these rules.
  absl::StatusOr<std::unique_ptr<YaraScanner>> NewScanner(
      const ScanOptions& options = {}) const;

  // Number of rules (private ones included).
  int rule_count() const;
  // "namespace:name" of every rule, in compile order (private ones included).
  std::vector<std::string> RuleNames() const;
  // Every rule, in compile order.
  std::vector<YaraRuleEntry> Rules() const;

 private:
  friend class YaraCompiler;
  explicit YaraRules(YR_RULES* rules) : rules_(rules) {}
  YR_RULES* rules_;
};

// Where a scanner's callback collects matches (internal).
struct ScanStateHolder {
  YaraScanResult* result = nullptr;
};

// One libyara scanner with fixed options, reused across scans: what
// YaraRules::ScanBuffer/ScanFile do, with the same results and errors. Not
// thread-safe: one per thread.
class YaraScanner {
 public:
  ~YaraScanner();
  YaraScanner(const YaraScanner&) = delete;
  YaraScanner& operator=(const YaraScanner&) = delete;

  absl::StatusOr<YaraScanResult> ScanBuffer(absl::string_view data);
  absl::StatusOr<YaraScanResult> ScanFile(const std::string& path);

 private:
  friend class YaraRules;
  explicit YaraScanner(const ScanOptions& options) : options_(options) {}
  ScanOptions options_;
  YR_SCAN_CONTEXT* scanner_ = nullptr;  // libyara's YR_SCANNER
  std::unique_ptr<ScanStateHolder> state_;
};

// Accumulates sources, then produces YaraRules. Not thread-safe; one
// compiler per thread. libyara cannot continue after a failed source: once
// AddSource has failed, further AddSource and Finish calls return
// kFailedPrecondition (create a new compiler to try other sources).
class YaraCompiler {
 public:
  static absl::StatusOr<std::unique_ptr<YaraCompiler>> Create(
      const CompilerOptions& options = {});
  ~YaraCompiler();
  YaraCompiler(const YaraCompiler&) = delete;
  YaraCompiler& operator=(const YaraCompiler&) = delete;

  // Compiles `text` into namespace `ns`; `file_name` names it in messages.
  // OK when libyara accepted it; kInvalidArgument whose message is the first
  // error ("file:line: message") when not, with every error in errors().
  absl::Status AddSource(absl::string_view text, absl::string_view file_name,
                         absl::string_view ns = "default");

  // The compiled rules. kFailedPrecondition after a failed AddSource or a
  // second Finish; kInternal when libyara fails.
  absl::StatusOr<std::unique_ptr<YaraRules>> Finish();

  const std::vector<YaraMessage>& errors() const { return errors_; }
  const std::vector<YaraMessage>& warnings() const { return warnings_; }
  int dropped_messages() const { return dropped_; }

  // Called by libyara; public only so the C callback can reach it.
  void OnMessage(int level, const char* file, int line, const char* message);

 private:
  explicit YaraCompiler(const CompilerOptions& options) : options_(options) {}

  CompilerOptions options_;
  _YR_COMPILER* compiler_ = nullptr;
  std::string current_file_;
  bool failed_ = false;
  bool finished_ = false;
  std::vector<YaraMessage> errors_;
  std::vector<YaraMessage> warnings_;
  int dropped_ = 0;
};

// Compiles one source alone. Returns the rules, or kInvalidArgument with
// every error in `*errors` (when non-null; cleared first). Warnings are
// dropped.
absl::StatusOr<std::unique_ptr<YaraRules>> CompileYaraSource(
    absl::string_view text, absl::string_view file_name,
    std::vector<YaraMessage>* errors, const CompilerOptions& options = {});

// Answers "does this source compile alone?" the way CompileYaraSource does,
// for many sources, without paying a fresh libyara compiler for each: libyara
// 4.2 zeroes a 1 MiB buffer per arena section whenever a compiler first
// writes to it, which cost more than compiling a typical rule file.
//
// Each source is added to a compiler shared with earlier sources, in a
// namespace of its own (so rule names, imports and references cannot meet
// another source's). A source that libyara rejects there is compiled again,
// alone, by CompileYaraSource, and that answer is returned: the errors and
// messages are exactly CompileYaraSource's. A source accepted in the shared
// compiler is answered OK without building its rules (yr_compiler_get_rules,
// whose only failures on accepted sources are libyara running out of memory).
//
//   YaraCompileChecker checker;
//   std::vector<YaraMessage> errors;
//   absl::Status st = checker.Check(text, "apt_x.yar", &errors);
//
// Thread-safe: concurrent Check calls each take their own compiler. Memory:
// a compiler is retired after `sources_per_compiler` sources (Default: 16)
// or its first rejected source; at most `max_idle` (Default: 2) idle
// compilers, about 10 MB each, are kept for the next calls until the checker
// is destroyed.
class YaraCompileChecker {
 public:
  explicit YaraCompileChecker(const CompilerOptions& options = {},
                              int sources_per_compiler = 16, int max_idle = 2);
  ~YaraCompileChecker();
  YaraCompileChecker(const YaraCompileChecker&) = delete;
  YaraCompileChecker& operator=(const YaraCompileChecker&) = delete;

  // OK when CompileYaraSource(text, file_name, errors, options) would return
  // rules; otherwise its non-OK status, with `*errors` (when non-null) as it
  // would fill them. `*errors` is cleared first.
  absl::Status Check(absl::string_view text, absl::string_view file_name,
                     std::vector<YaraMessage>* errors);

 private:
  struct Shared;

  CompilerOptions options_;
  int sources_per_compiler_;
  int max_idle_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Shared>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cov::ingest::yara

#endif  // COV_INGEST_YARA_YARA_COMPILER_H_
