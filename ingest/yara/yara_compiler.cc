#include "ingest/yara/yara_compiler.h"

#include <yara.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace cov::ingest::yara {
namespace {

namespace fs = std::filesystem;

absl::once_flag init_once;
int init_result = ERROR_SUCCESS;

void CompilerCallback(int error_level, const char* file_name, int line_number,
                      const YR_RULE* /*rule*/, const char* message,
                      void* user_data) {
  static_cast<YaraCompiler*>(user_data)->OnMessage(error_level, file_name,
                                                   line_number, message);
}

// Rules come from the text given: `include` is refused.
const char* RefuseInclude(const char* /*include_name*/,
                          const char* /*calling_file*/,
                          const char* /*calling_namespace*/,
                          void* /*user_data*/) {
  return nullptr;
}

// 1-based line of byte `offset` in `text`.
int LineOf(absl::string_view text, size_t offset) {
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + offset, '\n'));
}

int ScanCallback(YR_SCAN_CONTEXT* /*context*/, int message, void* message_data,
                 void* user_data) {
  if (message != CALLBACK_MSG_RULE_MATCHING) return CALLBACK_CONTINUE;
  const YR_RULE* rule = static_cast<const YR_RULE*>(message_data);
  if (RULE_IS_PRIVATE(rule)) return CALLBACK_CONTINUE;
  YaraMatch match;
  match.ns =
      rule->ns != nullptr && rule->ns->name != nullptr ? rule->ns->name : "";
  match.rule = rule->identifier;
  const char* tag = nullptr;
  yr_rule_tags_foreach(rule, tag) { match.tags.emplace_back(tag); }
  static_cast<ScanStateHolder*>(user_data)->result->matches.push_back(
      std::move(match));
  return CALLBACK_CONTINUE;
}

absl::Status ScanError(int code, absl::string_view what,
                       const ScanOptions& options) {
  switch (code) {
    case ERROR_SCAN_TIMEOUT:
      return absl::DeadlineExceededError(
          absl::StrCat(what, ": scan timed out after ",
                       absl::FormatDuration(options.timeout)));
    case ERROR_COULD_NOT_OPEN_FILE:
    case ERROR_COULD_NOT_MAP_FILE:
      return absl::UnavailableError(
          absl::StrCat(what, ": cannot open or map the file"));
    case ERROR_INSUFFICIENT_MEMORY:
      return absl::ResourceExhaustedError(
          absl::StrCat(what, ": libyara ran out of memory"));
    default:
      return absl::InternalError(
          absl::StrCat(what, ": libyara scan error ", code));
  }
}

}  // namespace

absl::Status EnsureYaraInitialized() {
  absl::call_once(init_once, [] { init_result = yr_initialize(); });
  if (init_result != ERROR_SUCCESS) {
    return absl::InternalError(
        absl::StrCat("yr_initialize failed with libyara error ", init_result));
  }
  return absl::OkStatus();
}

std::string YaraMessage::ToString() const {
  if (line > 0) return absl::StrCat(file, ":", line, ": ", message);
  return absl::StrCat(file, ": ", message);
}

// ----------------------------------------------------------------- YaraRules

YaraRules::~YaraRules() {
  if (rules_ != nullptr) yr_rules_destroy(rules_);
}

int YaraRules::rule_count() const {
  int n = 0;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules_, rule) { ++n; }
  return n;
}

std::vector<std::string> YaraRules::RuleNames() const {
  std::vector<std::string> names;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules_, rule) {
    names.push_back(absl::StrCat(rule->ns != nullptr ? rule->ns->name : "", ":",
                                 rule->identifier));
  }
  return names;
}

std::vector<YaraRuleEntry> YaraRules::Rules() const {
  std::vector<YaraRuleEntry> out;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules_, rule) {
    YaraRuleEntry e;
    e.ns = rule->ns != nullptr ? rule->ns->name : "";
    e.name = rule->identifier;
    e.is_private = RULE_IS_PRIVATE(rule) != 0;
    const char* tag = nullptr;
    yr_rule_tags_foreach(rule, tag) { e.tags.emplace_back(tag); }
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<YaraScanner>> YaraRules::NewScanner(
    const ScanOptions& options) const {
  std::unique_ptr<YaraScanner> s(new YaraScanner(options));
  YR_SCANNER* raw = nullptr;
  int rc = yr_scanner_create(rules_, &raw);
  if (rc != ERROR_SUCCESS) {
    return absl::InternalError(absl::StrCat("yr_scanner_create failed: ", rc));
  }
  s->scanner_ = raw;
  s->state_ = std::make_unique<ScanStateHolder>();
  yr_scanner_set_callback(raw, ScanCallback, s->state_.get());
  double seconds = absl::ToDoubleSeconds(options.timeout);
  int timeout = static_cast<int>(std::min(std::ceil(seconds), 1e6));
  yr_scanner_set_timeout(raw, std::max(1, timeout));
  yr_scanner_set_flags(raw, options.fast_mode ? SCAN_FLAGS_FAST_MODE : 0);
  return s;
}

absl::StatusOr<YaraScanResult> YaraRules::ScanBuffer(
    absl::string_view data, const ScanOptions& options) const {
  auto scanner = NewScanner(options);
  if (!scanner.ok()) return scanner.status();
  return (*scanner)->ScanBuffer(data);
}

absl::StatusOr<YaraScanResult> YaraRules::ScanFile(
    const std::string& path, const ScanOptions& options) const {
  auto scanner = NewScanner(options);
  if (!scanner.ok()) return scanner.status();
  return (*scanner)->ScanFile(path);
}

// --------------------------------------------------------------- YaraScanner

YaraScanner::~YaraScanner() {
  if (scanner_ != nullptr) yr_scanner_destroy(scanner_);
}

absl::StatusOr<YaraScanResult> YaraScanner::ScanBuffer(absl::string_view data) {
  if (data.size() > options_.max_file_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("buffer of ", data.size(), " bytes is over the limit of ",
                     options_.max_file_bytes, " bytes; not scanned"));
  }
  YaraScanResult result;
  state_->result = &result;
  int rc = yr_scanner_scan_mem(
      scanner_, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  state_->result = nullptr;
  if (rc != ERROR_SUCCESS) return ScanError(rc, "buffer", options_);
  result.bytes_scanned = data.size();
  return result;
}

absl::StatusOr<YaraScanResult> YaraScanner::ScanFile(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    if (st.type() == fs::file_type::not_found) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot stat: ", ec.message()));
  }
  if (!fs::is_regular_file(st)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a regular file; not scanned"));
  }
  uintmax_t size = fs::file_size(path, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot read its size: ", ec.message()));
  }
  if (size > options_.max_file_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": ", size, " bytes is over the limit of ",
                     options_.max_file_bytes, " bytes; not scanned"));
  }
  // Externals of THOR-style rules; undefined ones are ignored (libyara
  // rejects variables the rules were not compiled with).
  if (options_.set_path_externals) {
    fs::path p(path);
    std::string filename = p.filename().string();
    std::string extension = p.extension().string();
    yr_scanner_define_string_variable(scanner_, "filename", filename.c_str());
    yr_scanner_define_string_variable(scanner_, "filepath", path.c_str());
    yr_scanner_define_string_variable(scanner_, "extension", extension.c_str());
  }
  YaraScanResult result;
  state_->result = &result;
  int rc = yr_scanner_scan_file(scanner_, path.c_str());
  state_->result = nullptr;
  if (rc != ERROR_SUCCESS) return ScanError(rc, path, options_);
  result.bytes_scanned = size;
  return result;
}

// -------------------------------------------------------------- YaraCompiler

absl::StatusOr<std::unique_ptr<YaraCompiler>> YaraCompiler::Create(
    const CompilerOptions& options) {
  absl::Status init = EnsureYaraInitialized();
  if (!init.ok()) return init;
  std::unique_ptr<YaraCompiler> c(new YaraCompiler(options));
  int rc = yr_compiler_create(&c->compiler_);
  if (rc != ERROR_SUCCESS) {
    c->compiler_ = nullptr;
    return absl::InternalError(absl::StrCat("yr_compiler_create failed: ", rc));
  }
  yr_compiler_set_callback(c->compiler_, CompilerCallback, c.get());
  yr_compiler_set_include_callback(c->compiler_, RefuseInclude, nullptr,
                                   nullptr);
  for (const std::string& name : options.string_externals) {
    rc = yr_compiler_define_string_variable(c->compiler_, name.c_str(), "");
    if (rc != ERROR_SUCCESS) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot define external variable '", name, "': libyara error ", rc));
    }
  }
  return c;
}

YaraCompiler::~YaraCompiler() {
  if (compiler_ != nullptr) yr_compiler_destroy(compiler_);
}

void YaraCompiler::OnMessage(int level, const char* file, int line,
                             const char* message) {
  std::vector<YaraMessage>& out =
      level == YARA_ERROR_LEVEL_WARNING ? warnings_ : errors_;
  if (static_cast<int>(out.size()) >= options_.max_messages) {
    ++dropped_;
    return;
  }
  YaraMessage m;
  m.file = file != nullptr && *file != '\0' ? file : current_file_;
  m.line = line;
  m.message = message != nullptr ? message : "";
  out.push_back(std::move(m));
}

absl::Status YaraCompiler::AddSource(absl::string_view text,
                                     absl::string_view file_name,
                                     absl::string_view ns) {
  if (failed_ || finished_) {
    return absl::FailedPreconditionError(
        absl::StrCat(file_name, ": compiler unusable after ",
                     finished_ ? "Finish()" : "a failed source"));
  }
  if (text.size() > options_.max_source_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        file_name, ": ", text.size(), " bytes of YARA source is over the ",
        options_.max_source_bytes, "-byte limit; not compiled"));
  }
  current_file_ = std::string(file_name);
  size_t nul = text.find('\0');
  if (nul != absl::string_view::npos) {
    // libyara reads C strings: everything after a NUL would be lost.
    YaraMessage m{current_file_, LineOf(text, nul),
                  "NUL byte in the source; not compiled"};
    std::string first = m.ToString();
    errors_.push_back(std::move(m));
    return absl::InvalidArgumentError(first);
  }
  size_t errors_before = errors_.size();
  int dropped_before = dropped_;
  std::string copy(text);
  std::string ns_copy(ns);
  int n = yr_compiler_add_string(compiler_, copy.c_str(), ns_copy.c_str());
  if (n == 0) return absl::OkStatus();
  failed_ = true;
  if (errors_.size() > errors_before) {
    return absl::InvalidArgumentError(errors_[errors_before].ToString());
  }
  if (dropped_ > dropped_before) {
    return absl::InvalidArgumentError(absl::StrCat(
        file_name, ": does not compile (messages over the limit)"));
  }
  // libyara counted an error without a callback: ask for its message.
  char buffer[512];
  yr_compiler_get_error_message(compiler_, buffer, sizeof(buffer));
  YaraMessage m{current_file_, 0, buffer};
  std::string first = m.ToString();
  errors_.push_back(std::move(m));
  return absl::InvalidArgumentError(first);
}

absl::StatusOr<std::unique_ptr<YaraRules>> YaraCompiler::Finish() {
  if (failed_ || finished_) {
    return absl::FailedPreconditionError(
        absl::StrCat("Finish: compiler unusable after ",
                     finished_ ? "Finish()" : "a failed source"));
  }
  finished_ = true;
  YR_RULES* rules = nullptr;
  int rc = yr_compiler_get_rules(compiler_, &rules);
  if (rc != ERROR_SUCCESS || rules == nullptr) {
    return absl::InternalError(
        absl::StrCat("yr_compiler_get_rules failed: ", rc));
  }
  return std::unique_ptr<YaraRules>(new YaraRules(rules));
}

absl::StatusOr<std::unique_ptr<YaraRules>> CompileYaraSource(
    absl::string_view text, absl::string_view file_name,
    std::vector<YaraMessage>* errors, const CompilerOptions& options) {
  if (errors != nullptr) errors->clear();
  auto compiler = YaraCompiler::Create(options);
  if (!compiler.ok()) return compiler.status();
  absl::Status added = (*compiler)->AddSource(text, file_name);
  if (!added.ok()) {
    if (errors != nullptr) *errors = (*compiler)->errors();
    return added;
  }
  return (*compiler)->Finish();
}

// ------------------------------------------------------- YaraCompileChecker

struct YaraCompileChecker::Shared {
  std::unique_ptr<YaraCompiler> compiler;
  int sources = 0;
};

YaraCompileChecker::YaraCompileChecker(const CompilerOptions& options,
                                       int sources_per_compiler, int max_idle)
    : options_(options),
      sources_per_compiler_(std::max(1, sources_per_compiler)),
      max_idle_(std::max(0, max_idle)) {}

YaraCompileChecker::~YaraCompileChecker() = default;

absl::Status YaraCompileChecker::Check(absl::string_view text,
                                       absl::string_view file_name,
                                       std::vector<YaraMessage>* errors) {
  if (errors != nullptr) errors->clear();
  // AddSource refuses these before libyara sees them: nothing to share.
  if (text.size() > options_.max_source_bytes ||
      text.find('\0') != absl::string_view::npos) {
    return CompileYaraSource(text, file_name, errors, options_).status();
  }
  std::unique_ptr<Shared> shared;
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      shared = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (shared == nullptr) {
    auto compiler = YaraCompiler::Create(options_);
    if (!compiler.ok()) {
      return CompileYaraSource(text, file_name, errors, options_).status();
    }
    shared = std::make_unique<Shared>();
    shared->compiler = *std::move(compiler);
  }
  // A namespace per source: "cov" plus a number no earlier source of this
  // compiler used.
  const std::string ns = absl::StrCat("cov", shared->sources);
  ++shared->sources;
  if (!shared->compiler->AddSource(text, file_name, ns).ok()) {
    // libyara cannot go on after a failed source; the answer (and its
    // messages) comes from a fresh compiler, as before.
    shared.reset();
    return CompileYaraSource(text, file_name, errors, options_).status();
  }
  if (shared->sources < sources_per_compiler_) {
    absl::MutexLock lock(&mu_);
    if (static_cast<int>(idle_.size()) < max_idle_) {
      idle_.push_back(std::move(shared));
    }
  }
  return absl::OkStatus();
}

}  // namespace cov::ingest::yara
