#include "server/engine/alert_match.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "ingest/alerts/eve.h"
#include "ingest/alerts/jsonl.h"
#include "ingest/base/diagnostics.h"

namespace cov::server::engine {

absl::StatusOr<AlertImport> MatchAlerts(const cov::v1::Experiment& experiment,
                                        const RuleIndex& rules,
                                        absl::string_view format,
                                        absl::string_view content,
                                        absl::string_view file_name,
                                        int64_t now_unix) {
  if (format != "eve" && format != "jsonl") {
    return absl::InvalidArgumentError(
        absl::StrCat("alert format must be eve or jsonl, not '", format, "'"));
  }
  const int64_t start_us = experiment.started_at_unix() * 1000000;
  const int64_t end_us = experiment.ended_at_unix() > 0
                             ? (experiment.ended_at_unix() + 1) * 1000000
                             : INT64_MAX;
  std::set<std::string> planned;
  for (const auto& s : experiment.plan().steps())
    planned.insert(s.technique_id());

  AlertImport out;
  cov::v1::ImportAlertsResponse& resp = out.response;
  std::map<std::string, std::set<int>> fired;  // technique -> rule indexes
  int matched = 0, unmatched = 0, outside = 0, alerts = 0;
  auto take = [&](bool has_ts, int64_t ts_us, const std::vector<int>& idx) {
    ++alerts;
    if (has_ts && (ts_us < start_us || ts_us >= end_us)) {
      ++outside;
      return;
    }
    if (idx.empty()) {
      ++unmatched;
      return;
    }
    ++matched;
    for (int r : idx) {
      for (const auto& t : rules.rules()[r].techniques) fired[t].insert(r);
    }
  };
  ingest::alerts::AlertStats stats;
  if (format == "eve") {
    ingest::alerts::EveReader reader(file_name,
                                     [&](ingest::alerts::EveAlert&& a) {
                                       take(a.has_timestamp, a.timestamp_micros,
                                            rules.FindSid(a.signature_id));
                                     });
    reader.Feed(content);
    reader.Finish();
    stats = reader.stats();
  } else {
    ingest::alerts::JsonlReader reader(
        file_name, [&](ingest::alerts::RuleAlert&& a) {
          int idx = rules.FindUid(a.rule_id);
          take(a.has_timestamp, a.timestamp_micros,
               idx < 0 ? std::vector<int>() : std::vector<int>{idx});
        });
    reader.Feed(content);
    reader.Finish();
    stats = reader.stats();
  }
  resp.set_alerts(alerts);
  resp.set_matched(matched);
  resp.set_unmatched(unmatched);
  resp.set_outside_window(outside);
  resp.set_malformed(static_cast<int>(stats.malformed));
  resp.set_skipped(static_cast<int>(stats.skipped));
  for (const auto& d : stats.diagnostics) {
    resp.add_errors(ingest::FormatDiagnostic(d));
  }
  if (stats.diagnostics_dropped > 0) {
    resp.add_errors(
        absl::StrCat(stats.diagnostics_dropped, " more problems not listed"));
  }
  const std::string by = format == "eve" ? "eve" : "jsonl";
  // Planned techniques: detected or missed. Techniques outside the plan
  // that fired are recorded too (the alert is evidence all the same).
  std::set<std::string> all = planned;
  for (const auto& [t, r] : fired) all.insert(t);
  for (const std::string& t : all) {
    cov::v1::ExperimentResult* res = resp.add_results();
    res->set_technique_id(t);
    res->set_recorded_at_unix(now_unix);
    res->set_recorded_by(by);
    auto it = fired.find(t);
    if (it == fired.end()) {
      res->set_outcome("missed");
      res->set_note(absl::StrCat("no alert for it in ", file_name));
      continue;
    }
    res->set_outcome("detected");
    for (int r : it->second) {
      res->add_rule_uids(rules.rules()[r].uid);
      res->add_rule_hashes(rules.rules()[r].content_hash);
    }
    res->set_note(
        absl::StrCat(it->second.size(), " rule(s) fired, from ", file_name));
  }
  return out;
}

}  // namespace cov::server::engine
