#include "server/scan/rule_set.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/scan/rule_techniques.h"

namespace cov::server::scan {
namespace {

using ingest::yara::YaraCompiler;
using ingest::yara::YaraMessage;

std::string Key(absl::string_view ns, absl::string_view name) {
  return absl::StrCat(ns, "\n", name);
}

int CountLines(absl::string_view s) {
  return 1 + static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

// One file's rules as one libyara source.
class FileCompiler {
 public:
  FileCompiler(std::string file, std::vector<const cov::v1::Rule*> rules,
               const RuleSetOptions& options)
      : file_(std::move(file)), rules_(std::move(rules)), options_(options) {
    for (const cov::v1::Rule* r : rules_) {
      for (const std::string& m : r->yara_imports()) {
        if (std::find(imports_.begin(), imports_.end(), m) == imports_.end()) {
          imports_.push_back(m);
        }
      }
    }
  }

  // The rules (indexes into rules_) that compile together; the others are
  // appended to *problems.
  std::vector<size_t> Run(std::vector<RuleProblem>* problems) {
    std::vector<size_t> alive(rules_.size());
    for (size_t i = 0; i < alive.size(); ++i) alive[i] = i;
    while (!alive.empty()) {
      Outcome all = Try(alive, alive.size());
      if (all.ok) return alive;
      if (!imports_.empty()) {
        Outcome bare = Try(alive, 0);  // the imports alone
        if (!bare.ok) {
          for (size_t i : alive) {
            RuleProblem p = Problem(i, Outcome{});
            p.reason = absl::StrCat("the file's imports do not compile: ",
                                    bare.message);
            problems->push_back(std::move(p));
          }
          return {};
        }
      }
      // Rules only use earlier rules, so the culprit is the last rule of
      // the shortest failing prefix. libyara stops at or after it: start
      // from the rule holding the error line, j.
      size_t culprit = all.rule_pos;
      Outcome why = all;
      if (culprit > 0) {
        Outcome before = Try(alive, culprit);  // rules [0, j)
        if (!before.ok) {
          // The shortest failing prefix has a length in [1, j].
          size_t lo = 0, hi = culprit;  // length lo compiles, hi fails
          why = before;
          while (hi - lo > 1 && attempts_ < options_.max_attempts_per_file) {
            size_t mid = lo + (hi - lo) / 2;
            Outcome o = Try(alive, mid);
            if (o.ok) {
              lo = mid;
            } else {
              hi = mid;
              why = o;
            }
          }
          culprit = hi - 1;
        }
      }
      if (why.rule_pos != culprit) why.in_rule = false;
      problems->push_back(Problem(alive[culprit], why));
      alive.erase(alive.begin() + static_cast<std::ptrdiff_t>(culprit));
      if (attempts_ >= options_.max_attempts_per_file) {
        for (size_t i : alive) {
          RuleProblem p = Problem(i, Outcome{});
          p.reason = absl::StrCat("not compiled: gave up after ", attempts_,
                                  " attempts on this file");
          problems->push_back(std::move(p));
        }
        return {};
      }
    }
    return alive;
  }

  // The source text of `alive` rules.
  std::string Text(const std::vector<size_t>& alive) const {
    std::vector<int> unused;
    return Compose(alive, alive.size(), &unused);
  }

 private:
  struct Outcome {
    bool ok = false;
    size_t rule_pos = 0;  // position in the prefix of the rule at the error
    int rule_line = 0;    // error line within that rule (0-based offset)
    bool in_rule = false;
    std::string message;
  };

  std::string Compose(const std::vector<size_t>& alive, size_t n,
                      std::vector<int>* starts) const {
    std::string text;
    int line = 1;
    for (const std::string& m : imports_) {
      absl::StrAppend(&text, "import \"", m, "\"\n");
      ++line;
    }
    starts->clear();
    for (size_t k = 0; k < n; ++k) {
      const std::string& body = rules_[alive[k]]->body();
      starts->push_back(line);
      absl::StrAppend(&text, body, "\n");
      line += CountLines(body);
    }
    return text;
  }

  Outcome Try(const std::vector<size_t>& alive, size_t n) {
    ++attempts_;
    std::vector<int> starts;
    std::string text = Compose(alive, n, &starts);
    Outcome out;
    auto compiler = YaraCompiler::Create(options_.compiler);
    if (!compiler.ok()) {
      out.message = std::string(compiler.status().message());
      return out;
    }
    absl::Status s = (*compiler)->AddSource(text, file_, file_);
    if (s.ok()) {
      out.ok = true;
      return out;
    }
    int err_line = 0;
    if (!(*compiler)->errors().empty()) {
      const YaraMessage& m = (*compiler)->errors()[0];
      out.message = m.message;
      err_line = m.line;
    } else {
      out.message = std::string(s.message());
    }
    // The last rule starting at or before the error line.
    auto it = std::upper_bound(starts.begin(), starts.end(), err_line);
    if (it != starts.begin() && err_line > 0) {
      out.rule_pos = static_cast<size_t>(it - starts.begin()) - 1;
      out.rule_line = err_line - starts[out.rule_pos];
      out.in_rule = true;
    } else {
      out.rule_pos = n > 0 ? n - 1 : 0;
    }
    return out;
  }

  RuleProblem Problem(size_t i, const Outcome& o) const {
    const cov::v1::Rule& r = *rules_[i];
    RuleProblem p;
    p.uid = r.uid();
    p.title = r.title();
    p.file = r.file();
    p.line = r.line() + (o.in_rule ? o.rule_line : 0);
    p.reason = o.message;
    return p;
  }

  std::string file_;
  std::vector<const cov::v1::Rule*> rules_;
  const RuleSetOptions& options_;
  std::vector<std::string> imports_;
  int attempts_ = 0;
};

}  // namespace

std::string RuleProblem::ToString() const {
  return absl::StrCat(file, ":", line, ": rule ", title, ": ", reason);
}

const CompiledRule* CompiledRuleSet::Find(absl::string_view ns,
                                          absl::string_view name) const {
  auto it = by_key.find(Key(ns, name));
  return it == by_key.end() ? nullptr : &it->second;
}

absl::StatusOr<CompiledRuleSet> CompileRuleSet(
    const std::vector<cov::v1::Rule>& rules, const RuleSetOptions& options) {
  CompiledRuleSet out;
  // Files in name order, rules in line order.
  std::map<std::string, std::vector<const cov::v1::Rule*>> by_file;
  int yara_rules = 0;
  for (const cov::v1::Rule& r : rules) {
    if (r.format() != cov::v1::RULE_FORMAT_YARA) {
      ++out.ignored_other_formats;
      continue;
    }
    ++yara_rules;
    if (r.body().empty()) {
      out.not_compiled.push_back(
          {r.uid(), r.title(), r.file(), r.line(),
           "rule text not stored (not UTF-8, or ingested before rule bodies "
           "were kept: ingest the source again)"});
      continue;
    }
    by_file[r.file()].push_back(&r);
  }
  if (yara_rules == 0) {
    return absl::NotFoundError("no YARA rules to compile");
  }

  auto compiler = YaraCompiler::Create(options.compiler);
  if (!compiler.ok()) return compiler.status();
  for (auto& [file, file_rules] : by_file) {
    std::stable_sort(file_rules.begin(), file_rules.end(),
                     [](const cov::v1::Rule* a, const cov::v1::Rule* b) {
                       return a->line() < b->line();
                     });
    FileCompiler fc(file, file_rules, options);
    std::vector<size_t> ok = fc.Run(&out.not_compiled);
    if (ok.empty()) continue;
    absl::Status s = (*compiler)->AddSource(fc.Text(ok), file, file);
    if (!s.ok()) {
      return absl::InternalError(absl::StrCat(
          file, ": compiled alone but not with the others: ", s.message()));
    }
    for (size_t i : ok) {
      const cov::v1::Rule& r = *file_rules[i];
      out.by_key[Key(file, r.title())] = CompiledRule{r, TechniquesOf(r)};
    }
  }
  auto yara = (*compiler)->Finish();
  if (!yara.ok()) return yara.status();
  out.yara = *std::move(yara);
  for (const ingest::yara::YaraRuleEntry& e : out.yara->Rules()) {
    if (e.is_private) {
      ++out.private_compiled;
      out.by_key.erase(Key(e.ns, e.name));
    }
  }
  std::sort(out.not_compiled.begin(), out.not_compiled.end(),
            [](const RuleProblem& a, const RuleProblem& b) {
              return std::tie(a.file, a.line, a.uid) <
                     std::tie(b.file, b.line, b.uid);
            });
  return out;
}

}  // namespace cov::server::scan
