#include "server/replay/traces.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/profile/telemetry_map.h"

namespace cov::server::replay {
namespace {

using engine::sigma_eval::LogsourceRow;
using ingest::events::Event;
using ingest::events::EventField;

constexpr size_t kNumFields = sizeof(kTraceFields) / sizeof(kTraceFields[0]);

std::string CategoryLabel(const LogsourceRow& row) {
  if (!row.category.empty()) return std::string(row.category);
  return absl::StrCat("service:", row.service);
}

bool RowHas(const LogsourceRow& row, absl::string_view channel, int64_t id) {
  bool channel_ok = false;
  for (absl::string_view c : row.channels) {
    if (absl::EqualsIgnoreCase(c, channel)) {
      channel_ok = true;
      break;
    }
  }
  if (!channel_ok) return false;
  if (row.event_ids.empty()) return true;
  return std::find(row.event_ids.begin(), row.event_ids.end(), id) !=
         row.event_ids.end();
}

// The value of `field` in `e`, through the row's renames when absent.
const EventField* FieldOf(const Event& e, const LogsourceRow& row,
                          absl::string_view field) {
  if (const EventField* f = e.Find(field)) return f;
  for (const auto& r : row.renames) {
    if (absl::EqualsIgnoreCase(r.rule_field, field)) {
      if (const EventField* f = e.Find(r.event_field)) return f;
    }
  }
  return nullptr;
}

// `s` cut to at most `max` bytes at a UTF-8 boundary, "…" appended if cut.
std::string Truncate(absl::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return absl::StrCat(s.substr(0, n), "\xE2\x80\xA6");
}

struct Counter {
  absl::flat_hash_map<std::string, int64_t> counts;
  int64_t with_value = 0;
  int64_t untracked = 0;

  void Add(std::string value, size_t cap) {
    ++with_value;
    auto it = counts.find(value);
    if (it != counts.end()) {
      ++it->second;
    } else if (counts.size() < cap) {
      counts.emplace(std::move(value), 1);
    } else {
      ++untracked;
    }
  }

  std::vector<ValueCount> Top(int n) const {
    std::vector<ValueCount> all;
    all.reserve(counts.size());
    for (const auto& [v, c] : counts) all.push_back({v, c});
    std::sort(all.begin(), all.end(),
              [](const ValueCount& a, const ValueCount& b) {
                if (a.count != b.count) return a.count > b.count;
                return a.value < b.value;
              });
    if (n >= 0 && all.size() > static_cast<size_t>(n)) all.resize(n);
    return all;
  }
};

}  // namespace

struct TraceBuilder::Acc {
  int64_t events = 0;
  int64_t first_us = 0;
  int64_t last_us = 0;
  Counter hosts;
  std::vector<std::string> examples;
  Counter fields[kNumFields];
};

absl::StatusOr<std::vector<std::string>> TechniqueComponents(
    const engine::KnowledgeBase& kb, absl::string_view technique_id) {
  const cov::v1::Technique* t = kb.FindTechnique(technique_id);
  if (t == nullptr) {
    return absl::NotFoundError(absl::StrCat("technique ", technique_id,
                                            " is not in ", kb.release_key()));
  }
  return std::vector<std::string>(t->data_components().begin(),
                                  t->data_components().end());
}

TraceSelection SelectCategories(const std::vector<std::string>& components) {
  TraceSelection sel;
  std::set<std::string> wanted;
  for (const std::string& c : components) {
    std::string name = ingest::profile::NormalizeComponentName(c);
    if (name.empty()) {
      sel.unmapped_components.push_back(c);
      continue;
    }
    if (wanted.insert(name).second) sel.components.push_back(name);
  }
  std::set<std::string> mapped;
  auto select = [&](const LogsourceRow& row, bool service_pass) {
    std::vector<std::string> hit;
    for (const std::string& c : ingest::profile::ComponentsForSigmaLogsource(
             row.product, row.category, row.service)) {
      if (wanted.count(c) == 0) continue;
      if (service_pass && mapped.count(c) > 0) continue;
      hit.push_back(c);
    }
    if (hit.empty()) return;
    std::string label = CategoryLabel(row);
    auto it = std::find_if(
        sel.categories.begin(), sel.categories.end(),
        [&](const TraceCategory& tc) { return tc.category == label; });
    if (it == sel.categories.end()) {
      sel.categories.push_back({label, {}, {}});
      it = sel.categories.end() - 1;
    }
    it->rows.push_back(&row);
    for (std::string& c : hit) {
      if (std::find(it->components.begin(), it->components.end(), c) ==
          it->components.end()) {
        it->components.push_back(c);
      }
    }
    std::sort(it->components.begin(), it->components.end());
  };
  const auto& table = engine::sigma_eval::LogsourceTable();
  for (const LogsourceRow& row : table) {
    if (!row.category.empty()) select(row, false);
  }
  for (const TraceCategory& tc : sel.categories) {
    mapped.insert(tc.components.begin(), tc.components.end());
  }
  for (const LogsourceRow& row : table) {
    if (row.category.empty()) select(row, true);
  }
  for (const TraceCategory& tc : sel.categories) {
    mapped.insert(tc.components.begin(), tc.components.end());
  }
  for (const std::string& c : sel.components) {
    if (mapped.count(c) == 0) sel.unmapped_components.push_back(c);
  }
  return sel;
}

TraceBuilder::TraceBuilder(TraceSelection selection, TraceOptions options)
    : selection_(std::move(selection)), options_(options) {
  for (size_t i = 0; i < selection_.categories.size(); ++i) {
    acc_.push_back(std::make_unique<Acc>());
  }
}

TraceBuilder::~TraceBuilder() = default;

void TraceBuilder::Add(const Event& event) {
  ++seen_;
  absl::string_view channel;
  int64_t id = 0;
  if (!engine::sigma_eval::EventChannelAndId(event, &channel, &id)) return;
  for (size_t i = 0; i < selection_.categories.size(); ++i) {
    for (const LogsourceRow* row : selection_.categories[i].rows) {
      if (!RowHas(*row, channel, id)) continue;
      Acc& a = *acc_[i];
      ++a.events;
      if (event.time_us != 0) {
        if (a.first_us == 0 || event.time_us < a.first_us) {
          a.first_us = event.time_us;
        }
        a.last_us = std::max(a.last_us, event.time_us);
      }
      if (!event.host.empty()) {
        a.hosts.Add(absl::AsciiStrToLower(event.host),
                    options_.max_distinct_values);
      }
      if (static_cast<int>(a.examples.size()) < options_.examples) {
        a.examples.push_back(absl::StrCat(event.file, ":", event.record));
      }
      for (size_t f = 0; f < kNumFields; ++f) {
        const EventField* v = FieldOf(event, *row, kTraceFields[f]);
        if (v == nullptr || v->is_null || v->value.empty()) continue;
        size_t max = kTraceFields[f] == "ScriptBlockText"
                         ? options_.script_chars
                         : options_.max_value_chars;
        a.fields[f].Add(Truncate(v->value, max), options_.max_distinct_values);
      }
      return;  // the first selected category wins
    }
  }
}

Traces TraceBuilder::Finish() const {
  Traces t;
  t.components = selection_.components;
  t.unmapped_components = selection_.unmapped_components;
  t.events_seen = seen_;
  for (size_t i = 0; i < selection_.categories.size(); ++i) {
    const Acc& a = *acc_[i];
    if (a.events == 0) continue;
    t.events_selected += a.events;
    CategoryTraces c;
    c.category = selection_.categories[i].category;
    c.components = selection_.categories[i].components;
    c.events = a.events;
    c.first_time_us = a.first_us;
    c.last_time_us = a.last_us;
    c.hosts = a.hosts.Top(options_.top_n);
    c.examples = a.examples;
    for (size_t f = 0; f < kNumFields; ++f) {
      const Counter& k = a.fields[f];
      if (k.with_value == 0) continue;
      FieldSummary fs;
      fs.field = std::string(kTraceFields[f]);
      fs.events_with_field = k.with_value;
      fs.top = k.Top(options_.top_n);
      fs.distinct_values = static_cast<int64_t>(k.counts.size());
      fs.untracked = k.untracked;
      c.fields.push_back(std::move(fs));
    }
    t.categories.push_back(std::move(c));
  }
  return t;
}

Traces SummarizeTraces(absl::Span<const Event> events,
                       const std::vector<std::string>& components,
                       const TraceOptions& options) {
  TraceBuilder b(SelectCategories(components), options);
  for (const Event& e : events) b.Add(e);
  return b.Finish();
}

}  // namespace cov::server::replay
