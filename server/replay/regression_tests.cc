#include "server/replay/regression_tests.h"

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "ingest/events/reader.h"
#include "ingest/registry/parsers.h"
#include "server/engine/sigma_eval/rule_set.h"
#include "yaml-cpp/yaml.h"

namespace cov::server::replay {
namespace {

namespace events = ::cov::ingest::events;
using engine::sigma_eval::RuleSet;

// What info.yml says.
struct TestInfo {
  std::string rule_id;
  // File stem -> expected count (-1: at least one).
  std::map<std::string, int64_t> expected_by_stem;
  int64_t default_expected = -1;
  std::string error;
};

absl::string_view Dir(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? "" : path.substr(0, slash);
}
absl::string_view Base(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}
absl::string_view Stem(absl::string_view path) {
  absl::string_view b = Base(path);
  size_t dot = b.rfind('.');
  return dot == absl::string_view::npos ? b : b.substr(0, dot);
}

TestInfo ParseInfo(const std::string& bytes) {
  TestInfo info;
  YAML::Node doc;
  try {  // yaml-cpp reports syntax errors by exception: the library's edge.
    doc = YAML::Load(bytes);
  } catch (const YAML::Exception& e) {
    info.error = absl::StrCat("info.yml is not valid YAML: ", e.msg);
    return info;
  }
  if (!doc.IsMap()) {
    info.error = "info.yml is not a mapping";
    return info;
  }
  const YAML::Node meta = doc["rule_metadata"];
  if (meta && meta.IsSequence() && meta.size() > 0 && meta[0].IsMap() &&
      meta[0]["id"] && meta[0]["id"].IsScalar()) {
    info.rule_id = meta[0]["id"].Scalar();
  }
  if (info.rule_id.empty()) {
    info.error = "info.yml names no rule (rule_metadata[0].id)";
    return info;
  }
  const YAML::Node tests = doc["regression_tests_info"];
  if (tests && tests.IsSequence()) {
    bool first = true;
    for (const YAML::Node& t : tests) {
      if (!t.IsMap()) continue;
      int64_t expected = -1;
      const YAML::Node mc = t["match_count"];
      if (mc && mc.IsScalar()) {
        try {
          expected = mc.as<int64_t>();
        } catch (const YAML::Exception&) {
          info.error =
              absl::StrCat("match_count '", mc.Scalar(), "' is not a number");
          return info;
        }
      }
      if (first) info.default_expected = expected;
      first = false;
      const YAML::Node path = t["path"];
      if (path && path.IsScalar()) {
        info.expected_by_stem[std::string(Stem(path.Scalar()))] = expected;
      }
    }
  }
  return info;
}

// Counts matches of one rule on one events file.
class CountSink : public events::EventSink {
 public:
  CountSink(const RuleSet& set, int index) : set_(set), index_(index) {}
  void OnEvent(const events::Event& event) override {
    hits_.clear();
    set_.Match(event, &scratch_, &hits_);
    for (int i : hits_) {
      if (i == index_) ++matches_;
    }
    ++events_;
  }
  void OnDiagnostic(const cov::v1::Diagnostic& d) override {
    if (first_problem_.empty()) first_problem_ = ingest::FormatDiagnostic(d);
  }
  int64_t matches() const { return matches_; }
  int64_t events() const { return events_; }
  const std::string& first_problem() const { return first_problem_; }

 private:
  const RuleSet& set_;
  const int index_;
  engine::sigma_eval::MatchScratch scratch_;
  std::vector<int> hits_;
  int64_t matches_ = 0;
  int64_t events_ = 0;
  std::string first_problem_;
};

// Writes `bytes` to a private temporary file, removed by the destructor.
class TempFile {
 public:
  explicit TempFile(absl::string_view bytes) {
    const char* dir = std::getenv("TMPDIR");
    path_ = absl::StrCat(dir && *dir ? dir : "/tmp", "/cov-regression-XXXXXX");
    int fd = mkstemp(path_.data());
    if (fd < 0) {
      path_.clear();
      return;
    }
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(fd);
    if (done != bytes.size()) {
      unlink(path_.c_str());
      path_.clear();
    }
  }
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool IsEventsFile(absl::string_view path) {
  std::string lower = absl::AsciiStrToLower(Base(path));
  return absl::EndsWith(lower, ".evtx") || absl::EndsWith(lower, ".json");
}

}  // namespace

std::vector<cov::v1::Rule> SigmaRulesOf(
    const google::protobuf::RepeatedPtrField<cov::v1::RuleFile>& files) {
  std::vector<cov::v1::Rule> out;
  const ingest::RuleParser* sigma =
      ingest::ParserFor(cov::v1::RULE_FORMAT_SIGMA);
  for (const cov::v1::RuleFile& f : files) {
    const std::string lower = absl::AsciiStrToLower(f.path());
    const bool is_sigma =
        f.format() == cov::v1::RULE_FORMAT_SIGMA ||
        (f.format() == cov::v1::RULE_FORMAT_UNSPECIFIED &&
         (absl::EndsWith(lower, ".yml") || absl::EndsWith(lower, ".yaml")));
    if (!is_sigma) continue;
    ingest::ParsedFile parsed = sigma->Parse({f.path(), f.content(), "check"});
    for (cov::v1::Rule& r : parsed.rules) out.push_back(std::move(r));
  }
  return out;
}

std::vector<cov::v1::RegressionTestResult> RunRegressionTests(
    absl::Span<const cov::v1::Rule> rules,
    const google::protobuf::RepeatedPtrField<cov::v1::RuleFile>& tests) {
  // Group the test files by folder.
  std::map<std::string, const cov::v1::RuleFile*> infos;
  std::map<std::string, std::vector<const cov::v1::RuleFile*>> data;
  for (const cov::v1::RuleFile& f : tests) {
    const std::string dir(Dir(f.path()));
    if (Base(f.path()) == "info.yml") {
      infos[dir] = &f;
    } else if (IsEventsFile(f.path())) {
      data[dir].push_back(&f);
    }
  }
  std::unique_ptr<RuleSet> set = RuleSet::Compile(rules);
  std::map<std::string, std::string> not_evaluable;
  for (const auto& n : set->not_evaluable()) not_evaluable[n.uid] = n.reason;

  std::vector<cov::v1::RegressionTestResult> out;
  for (const auto& [dir, info_file] : infos) {
    TestInfo info = ParseInfo(info_file->content());
    auto fail = [&](absl::string_view events_file, std::string error) {
      cov::v1::RegressionTestResult r;
      r.set_test(dir);
      r.set_rule_uid(info.rule_id);
      r.set_events_file(std::string(events_file));
      r.set_expected(info.default_expected);
      r.set_error(std::move(error));
      out.push_back(std::move(r));
    };
    if (!info.error.empty()) {
      fail("", info.error);
      continue;
    }
    const int index = set->Find(info.rule_id);
    if (index < 0) {
      bool known_uid = false;
      for (const cov::v1::Rule& r : rules) known_uid |= r.uid() == info.rule_id;
      auto ne = not_evaluable.find(info.rule_id);
      fail("", ne != not_evaluable.end()
                   ? absl::StrCat("rule not evaluable: ", ne->second)
               : known_uid ? "rule is not a Sigma detection rule"
                           : absl::StrCat("rule ", info.rule_id,
                                          " is not among the checked files"));
      continue;
    }
    auto files = data.find(dir);
    if (files == data.end()) {
      fail("", "no .evtx or .json events file in the test folder");
      continue;
    }
    for (const cov::v1::RuleFile* f : files->second) {
      cov::v1::RegressionTestResult r;
      r.set_test(dir);
      r.set_rule_uid(info.rule_id);
      r.set_events_file(f->path());
      auto e = info.expected_by_stem.find(std::string(Stem(f->path())));
      r.set_expected(e != info.expected_by_stem.end() ? e->second
                                                      : info.default_expected);
      TempFile tmp(f->content());
      if (tmp.path().empty()) {
        r.set_error("cannot write a temporary file for the events");
        out.push_back(std::move(r));
        continue;
      }
      CountSink sink(*set, index);
      events::ReadStats stats;
      events::ReadEventFile(tmp.path(), f->path(), events::ReaderOptions(),
                            sink, stats);
      r.set_actual(sink.matches());
      if (sink.events() == 0) {
        r.set_error(sink.first_problem().empty()
                        ? std::string("no events in the file")
                        : sink.first_problem());
      } else {
        r.set_passed(r.expected() < 0 ? r.actual() > 0
                                      : r.actual() == r.expected());
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

std::vector<cov::v1::Diagnostic> RegressionFindings(
    const std::vector<cov::v1::RegressionTestResult>& results) {
  std::vector<cov::v1::Diagnostic> out;
  for (const cov::v1::RegressionTestResult& r : results) {
    if (r.passed()) continue;
    const std::string info =
        r.test().empty() ? "info.yml" : absl::StrCat(r.test(), "/info.yml");
    cov::v1::Diagnostic d;
    if (!r.error().empty()) {
      d = ingest::Error(info, 0, 0, "regression-test-error",
                        absl::StrCat("rule ", r.rule_uid(), ": ", r.error()));
    } else {
      d = ingest::Error(
          info, 0, 0, "regression-test-failed",
          absl::StrCat("rule ", r.rule_uid(), " matched ", r.actual(),
                       " events of ", Base(r.events_file()), ", expected ",
                       r.expected() < 0 ? std::string("at least 1")
                                        : absl::StrCat(r.expected())));
    }
    d.set_object(r.rule_uid());
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace cov::server::replay
