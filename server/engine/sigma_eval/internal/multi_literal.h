// Internal: a multi-literal matcher (Aho-Corasick automaton with a dense
// transition table over byte classes) reporting which of a set of byte
// strings occur in a text. Used by the rule set's literal prefilter: one
// automaton per field name over the literals the rules require of it.
//
// The scan costs one table load per text byte: a transition holds the next
// state already multiplied by the row width, negated (~) when that state
// ends a literal, so the inner loop has no second load or multiply. Built
// ASCII case-insensitive, 'A'-'Z' share the classes of 'a'-'z': scanning
// the raw text then finds what scanning its ASCII-lowercased copy would
// find for lowercase literals, without making that copy.
#ifndef COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_MULTI_LITERAL_H_
#define COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_MULTI_LITERAL_H_

#include <algorithm>
#include <cstddef>
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
  // Builds the automaton; Scan only after this. With
  // `ascii_case_insensitive`, an ASCII letter of the text matches both its
  // cases in a literal (literals should then be lowercase).
  void Build(bool ascii_case_insensitive = false);
  int size() const { return static_cast<int>(literals_.size()); }
  int states() const { return static_cast<int>(own_.size()); }

  // Calls on_hit(id) for every occurrence (end position) of every literal
  // in `text`.
  template <typename F>
  void Scan(absl::string_view text, F&& on_hit) const {
    ScanFrom(0, text, on_hit);
  }

  // Like Scan, but the text's two halves are scanned by two interleaved
  // state chains (the scan is bound by the latency of each table load, so
  // two independent chains run in about the time of one). The first half
  // runs on into the second by the longest literal's length less one, so an
  // occurrence that crosses the middle is found too; one that starts in the
  // overlap may be reported twice.
  template <typename F>
  void ScanTwoLanes(absl::string_view text, F&& on_hit) const {
    const size_t n = text.size();
    if (n < 64 || max_length_ == 0) {
      ScanFrom(0, text, on_hit);
      return;
    }
    const size_t mid = n / 2;
    const size_t a_end = std::min(n, mid + max_length_ - 1);
    const size_t common = n - mid;  // <= a_end: lane B is the shorter one
    const unsigned char* p =
        reinterpret_cast<const unsigned char*>(text.data());
    const int32_t* next = next_.data();
    const uint8_t* cls = class_;
    int32_t sa = 0, sb = 0;
    for (size_t i = 0; i < common; ++i) {
      const int32_t ta = next[sa + cls[p[i]]];
      const int32_t tb = next[sb + cls[p[mid + i]]];
      sa = ta ^ (ta >> 31);
      sb = tb ^ (tb >> 31);
      if ((ta | tb) < 0) {
        if (ta < 0) Report(sa, on_hit);
        if (tb < 0) Report(sb, on_hit);
      }
    }
    ScanFrom(sa, text.substr(common, a_end - common), on_hit);
  }

  // a.Scan(text_a, hit_a) and b.Scan(text_b, hit_b) as two interleaved
  // state chains (see ScanTwoLanes): the same hits, in less time.
  template <typename FA, typename FB>
  static void ScanPair(const MultiLiteral& a, absl::string_view text_a,
                       FA&& hit_a, const MultiLiteral& b,
                       absl::string_view text_b, FB&& hit_b) {
    const size_t common = std::min(text_a.size(), text_b.size());
    const unsigned char* pa =
        reinterpret_cast<const unsigned char*>(text_a.data());
    const unsigned char* pb =
        reinterpret_cast<const unsigned char*>(text_b.data());
    const int32_t* na = a.next_.data();
    const int32_t* nb = b.next_.data();
    const uint8_t* ca = a.class_;
    const uint8_t* cb = b.class_;
    int32_t sa = 0, sb = 0;
    for (size_t i = 0; i < common; ++i) {
      const int32_t ta = na[sa + ca[pa[i]]];
      const int32_t tb = nb[sb + cb[pb[i]]];
      sa = ta ^ (ta >> 31);
      sb = tb ^ (tb >> 31);
      if ((ta | tb) < 0) {
        if (ta < 0) a.Report(sa, hit_a);
        if (tb < 0) b.Report(sb, hit_b);
      }
    }
    a.ScanFrom(sa, text_a.substr(common), hit_a);
    b.ScanFrom(sb, text_b.substr(common), hit_b);
  }

 private:
  // Scan from premultiplied state `s`.
  template <typename F>
  void ScanFrom(int32_t s, absl::string_view text, F&& on_hit) const {
    const int32_t* next = next_.data();
    const uint8_t* cls = class_;
    for (unsigned char c : text) {
      const int32_t t = next[s + cls[c]];
      s = t ^ (t >> 31);  // ~t when negative
      if (t < 0) Report(s, on_hit);
    }
  }
  // The literals ending in premultiplied state `s`.
  template <typename F>
  void Report(int32_t s, F&& on_hit) const {
    for (int32_t o = head_[s / classes_]; o >= 0; o = dict_[o]) {
      on_hit(own_[o]);
    }
  }

  std::vector<std::string> literals_;
  size_t max_length_ = 0;
  absl::flat_hash_map<std::string, int> ids_;
  uint8_t class_[256] = {};
  int classes_ = 1;
  // state * classes_ + class -> next state * classes_, ~(that) when the
  // next state has an output (head_ >= 0).
  std::vector<int32_t> next_;
  std::vector<int32_t> own_;   // state -> literal id ending here, or -1
  std::vector<int32_t> head_;  // state -> first state with output, or -1
  std::vector<int32_t> dict_;  // state -> next shorter state with output
};

}  // namespace cov::server::engine::sigma_eval::internal

#endif  // COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_MULTI_LITERAL_H_
