// Internal: a multi-literal matcher (Aho-Corasick automaton with a dense
// transition table over byte classes) reporting which of a set of byte
// strings occur in a text. Used by the rule set's literal prefilter: one
// automaton per field name over the literals the rules require of it.
#ifndef COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_MULTI_LITERAL_H_
#define COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_MULTI_LITERAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace cov::server::engine::sigma_eval::internal {

class MultiLiteral {
 public:
  // Adds a non-empty literal (bytes compared exactly) and returns its id;
  // ids are dense from 0, and adding the same literal again returns the
  // same id. Only before Build.
  int Add(absl::string_view literal);
  // Builds the automaton; Scan only after this.
  void Build();
  int size() const { return static_cast<int>(literals_.size()); }
  int states() const { return static_cast<int>(own_.size()); }

  // Calls on_hit(id) for every occurrence (end position) of every literal
  // in `text`.
  template <typename F>
  void Scan(absl::string_view text, F&& on_hit) const {
    const int32_t* next = next_.data();
    const uint8_t* cls = class_;
    const int width = classes_;
    int32_t s = 0;
    for (unsigned char c : text) {
      s = next[s * width + cls[c]];
      for (int32_t o = head_[s]; o >= 0; o = dict_[o]) on_hit(own_[o]);
    }
  }

 private:
  std::vector<std::string> literals_;
  absl::flat_hash_map<std::string, int> ids_;
  uint8_t class_[256] = {};
  int classes_ = 1;
  std::vector<int32_t> next_;  // state * classes_ + class -> state
  std::vector<int32_t> own_;   // state -> literal id ending here, or -1
  std::vector<int32_t> head_;  // state -> first state with output, or -1
  std::vector<int32_t> dict_;  // state -> next shorter state with output
};

}  // namespace cov::server::engine::sigma_eval::internal

#endif  // COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_MULTI_LITERAL_H_
