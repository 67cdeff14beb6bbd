// Deterministic mutation test: thousands of damaged variants of a few seed
// rules must never crash, hang or throw, and every diagnostic must stay
// well-formed. Run it under --config=asan for memory errors. Set
// SIGMA_ROBUSTNESS_ITERATIONS (default 3000 per seed) and
// SIGMA_ROBUSTNESS_SEED for longer or different runs.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ingest/sigma/condition.h"
#include "ingest/sigma/sigma_parser.h"

namespace cov::ingest::sigma {
namespace {

constexpr const char* kSeeds[] = {
    R"(title: Seed
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
tags:
    - attack.t1059.001
    - attack.defense_evasion
logsource: {product: windows, category: process_creation}
detection:
    selection_a:
        - Image|endswith: '\x.exe'
          CommandLine|contains|all: ["a", 'b']
    filter_1:
        User: "SYSTEM"
    condition: 1 of selection_* and not (filter_1 or all of filter_*)
level: high
)",
    R"(action: global
title: G
detection:
    condition: selection | count() by host > 5
---
logsource:
    product: linux
detection:
    selection: &s
        a: *x
---
action: repeat
title: R
...
--- |
  literal root
)",
    R"(title: C
correlation:
  type: temporal
  rules: [a, b]
  timespan: 5m
base: &b [1, 2, {k: v}]
ref: [*b, *b]
desc: >
  folded
  text
q: 'multi
   line'
)",
};

// Small deterministic PRNG (xorshift64*).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed ? seed : 1) {}
  uint64_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 2685821657736338717ULL;
  }
  size_t Below(size_t n) { return n == 0 ? 0 : Next() % n; }

 private:
  uint64_t s_;
};

std::string Mutate(std::string s, Rng* rng) {
  static constexpr char kSpecial[] = "[]{}:-*&!|>'\"#,?%@` \t\n\r\\\x80\xff";
  const int edits = 1 + static_cast<int>(rng->Below(6));
  for (int e = 0; e < edits; ++e) {
    const size_t pos = rng->Below(s.size() + 1);
    switch (rng->Below(6)) {
      case 0:  // insert a YAML-special character
        s.insert(pos, 1, kSpecial[rng->Below(sizeof(kSpecial) - 1)]);
        break;
      case 1:  // delete a run
        if (pos < s.size()) s.erase(pos, 1 + rng->Below(8));
        break;
      case 2:  // truncate
        s.resize(pos);
        break;
      case 3:  // duplicate a slice
        if (pos < s.size()) {
          s.insert(rng->Below(s.size()), s.substr(pos, 1 + rng->Below(40)));
        }
        break;
      case 4:  // flip a byte
        if (pos < s.size()) s[pos] = static_cast<char>(rng->Next());
        break;
      case 5:  // re-indent a line
        s.insert(pos, std::string(rng->Below(6), ' '));
        break;
    }
  }
  return s;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && std::atoi(v) > 0 ? std::atoi(v) : fallback;
}

TEST(SigmaRobustnessTest, MutatedRulesNeverCrash) {
  SigmaParser parser;
  Rng rng(EnvInt("SIGMA_ROBUSTNESS_SEED", 0x5eed));
  const int iterations = EnvInt("SIGMA_ROBUSTNESS_ITERATIONS", 3000);
  int parsed_rules = 0;
  for (const char* seed : kSeeds) {
    for (int i = 0; i < iterations; ++i) {
      const std::string input = Mutate(seed, &rng);
      ParsedFile out = parser.Parse({"m.yml", input, "fuzz"});
      parsed_rules += static_cast<int>(out.rules.size());
      for (const auto& d : out.diagnostics) {
        ASSERT_TRUE(absl::StartsWith(d.code(), "sigma-")) << d.code();
        ASSERT_GE(d.line(), 0);
        ASSERT_FALSE(d.message().empty());
        ASSERT_EQ(d.file(), "m.yml");
      }
      for (const auto& r : out.rules) {
        ASSERT_FALSE(r.uid().empty());
        ASSERT_GE(r.line(), 1);
      }
    }
  }
  EXPECT_GT(parsed_rules, 0);  // the mutations are not all fatal
}

TEST(SigmaRobustnessTest, MutatedConditionsNeverCrash) {
  Rng rng(42);
  const std::string seed =
      "(sel1 or 1 of sel_*) and not all of them | count(x) by y > 5";
  int ok = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string c = Mutate(seed, &rng);
    absl::StatusOr<ConditionAst> ast = ParseCondition(c);
    if (ast.ok()) {
      ++ok;
      ConditionReferences(*ast);
      ConditionToString(ast->root);
    }
  }
  EXPECT_GT(ok, 0);
}

}  // namespace
}  // namespace cov::ingest::sigma
