#include "server/engine/sigma_eval/internal/multi_literal.h"

#include <algorithm>
#include <utility>

namespace cov::server::engine::sigma_eval::internal {

int MultiLiteral::Add(absl::string_view literal) {
  auto [it, inserted] = ids_.try_emplace(literal, size());
  if (inserted) {
    literals_.emplace_back(literal);
    max_length_ = std::max(max_length_, literal.size());
  }
  return it->second;
}

void MultiLiteral::Build(bool ascii_case_insensitive) {
  // Byte classes: each byte used by a literal gets its own, the rest share 0
  // (case-insensitive: an upper-case letter takes its lower case's class).
  bool used[256] = {};
  for (const std::string& l : literals_) {
    for (unsigned char c : l) used[c] = true;
  }
  auto upper = [&](int b) {
    return ascii_case_insensitive && b >= 'A' && b <= 'Z';
  };
  for (int b = 'A'; b <= 'Z'; ++b) {
    if (upper(b) && used[b]) used[b - 'A' + 'a'] = true;
  }
  classes_ = 1;
  for (int b = 0; b < 256; ++b) {
    if (!upper(b)) class_[b] = used[b] ? static_cast<uint8_t>(classes_++) : 0;
  }
  for (int b = 'A'; b <= 'Z'; ++b) {
    if (upper(b)) class_[b] = class_[b - 'A' + 'a'];
  }
  // Trie (-1: no edge).
  next_.assign(classes_, -1);
  own_.assign(1, -1);
  for (size_t id = 0; id < literals_.size(); ++id) {
    int32_t s = 0;
    for (unsigned char c : literals_[id]) {
      int32_t& t = next_[s * classes_ + class_[c]];
      if (t < 0) {
        t = static_cast<int32_t>(own_.size());
        own_.push_back(-1);
        next_.resize(next_.size() + classes_, -1);
      }
      s = next_[s * classes_ + class_[c]];
    }
    own_[s] = static_cast<int32_t>(id);
  }
  const size_t n = own_.size();
  std::vector<int32_t> fail(n, 0);
  head_.assign(n, -1);
  dict_.assign(n, -1);
  // Breadth-first: failure links, output links, full transitions.
  std::vector<int32_t> queue;
  queue.reserve(n);
  for (int c = 0; c < classes_; ++c) {
    int32_t& t = next_[c];
    if (t < 0) {
      t = 0;
    } else {
      fail[t] = 0;
      queue.push_back(t);
    }
  }
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    const int32_t s = queue[qi];
    // Output chain of s: s itself if it ends a literal, then its failure
    // state's chain (computed already: shallower).
    const int32_t f = fail[s];
    dict_[s] = head_[f];
    head_[s] = own_[s] >= 0 ? s : dict_[s];
    for (int c = 0; c < classes_; ++c) {
      int32_t& t = next_[s * classes_ + c];
      if (t < 0) {
        t = next_[f * classes_ + c];
      } else {
        fail[t] = next_[f * classes_ + c];
        queue.push_back(t);
      }
    }
  }
  // Scan's encoding: premultiplied targets, negated into states with output.
  for (int32_t& t : next_) {
    t = head_[t] >= 0 ? ~(t * classes_) : t * classes_;
  }
}

}  // namespace cov::server::engine::sigma_eval::internal
