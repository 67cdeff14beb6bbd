#include "ingest/atomics/render.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cov::ingest::atomics {
namespace {

// Calls fn(begin, end, name) for each `#{name}` in text; `begin`/`end` bound
// the whole reference. Names are non-empty and hold no line break.
template <typename Fn>
void ForEachReference(absl::string_view text, Fn fn) {
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("#{", pos);
    if (open == absl::string_view::npos) return;
    const size_t name_begin = open + 2;
    size_t close = name_begin;
    while (close < text.size() && text[close] != '}' && text[close] != '\n') {
      ++close;
    }
    if (close >= text.size() || text[close] != '}' || close == name_begin) {
      pos = name_begin;  // not a reference; look further on
      continue;
    }
    fn(open, close + 1, text.substr(name_begin, close - name_begin));
    pos = close + 1;
  }
}

void AddOnce(absl::string_view name, std::vector<std::string>* out) {
  if (std::find(out->begin(), out->end(), name) == out->end()) {
    out->emplace_back(name);
  }
}

}  // namespace

std::vector<std::string> ReferencedArguments(absl::string_view text) {
  std::vector<std::string> out;
  ForEachReference(text, [&](size_t, size_t, absl::string_view name) {
    AddOnce(name, &out);
  });
  return out;
}

std::string RenderText(absl::string_view text,
                       const cov::v1::TestProcedure& test,
                       const ArgumentOverrides& overrides,
                       std::vector<std::string>* unresolved) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  ForEachReference(text, [&](size_t begin, size_t end, absl::string_view name) {
    const std::string* value = nullptr;
    auto it = overrides.find(name);
    if (it != overrides.end()) {
      value = &it->second;
    } else {
      for (const cov::v1::InputArgument& a : test.input_arguments()) {
        if (a.name() == name) {
          value = &a.default_value();
          break;
        }
      }
    }
    if (value == nullptr) {
      if (unresolved != nullptr) AddOnce(name, unresolved);
      return;  // left as written
    }
    absl::StrAppend(&out, text.substr(copied, begin - copied), *value);
    copied = end;
  });
  absl::StrAppend(&out, text.substr(copied));
  return out;
}

std::string RenderCommand(const cov::v1::TestProcedure& test,
                          const ArgumentOverrides& overrides,
                          std::vector<std::string>* unresolved) {
  return RenderText(test.command(), test, overrides, unresolved);
}

std::string RenderCleanup(const cov::v1::TestProcedure& test,
                          const ArgumentOverrides& overrides,
                          std::vector<std::string>* unresolved) {
  return RenderText(test.cleanup_command(), test, overrides, unresolved);
}

}  // namespace cov::ingest::atomics
