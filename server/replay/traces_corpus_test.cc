// Traces on a real Security-Datasets recording (T1112, command-line logging
// disabled through the registry), read from its zip by cov's event reader;
// every expected figure is computed in this test by a plain Python filter
// over the same zip (zipfile + json), independently of the reader and of
// the traces code.
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/events/reader.h"
#include "server/replay/traces.h"
#include "tests/corpus.h"

namespace cov::server::replay {
namespace {

constexpr char kZip[] =
    "logs/security-datasets/datasets/atomic/windows/defense_evasion/host/"
    "reg_cmd_process_commandline_logging_disabled.zip";

// Prints "proc N", "img VALUE\tCOUNT" (top 5: count desc, value asc),
// "host VALUE\tCOUNT", "reg N" (Sysmon 12/13/14), "tobj VALUE\tCOUNT"
// (top 3).
constexpr char kPython[] = R"PY(
import collections, json, sys, zipfile
proc = 0; reg = 0
img = collections.Counter(); host = collections.Counter()
tobj = collections.Counter()
z = zipfile.ZipFile(sys.argv[1])
for m in z.namelist():
    for line in z.open(m):
        line = line.strip()
        if not line:
            continue
        e = json.loads(line)
        ch = str(e.get("Channel", "")).lower(); eid = str(e.get("EventID"))
        sysmon = ch == "microsoft-windows-sysmon/operational"
        if (sysmon and eid == "1") or (ch == "security" and eid == "4688"):
            proc += 1
            v = e.get("Image") or e.get("NewProcessName")
            if v:
                img[v] += 1
            if e.get("Hostname"):
                host[e["Hostname"].lower()] += 1
        if sysmon and eid in ("12", "13", "14"):
            reg += 1
            if e.get("TargetObject"):
                tobj[e["TargetObject"]] += 1
top = lambda c, n: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
print("proc", proc)
for v, n in top(img, 5): print("img " + v + "\t" + str(n))
for v, n in top(host, 5): print("host " + v + "\t" + str(n))
print("reg", reg)
for v, n in top(tobj, 3): print("tobj " + v + "\t" + str(n))
)PY";

struct Expected {
  int64_t proc = 0, reg = 0;
  std::vector<std::string> img, host, tobj;  // "value=count"
};

Expected RunOracle(const std::string& zip) {
  Expected x;
  std::string script = std::string(kPython);
  std::string cmd = absl::StrCat("python3 -c \"$COV_TRACES_PY\" '", zip, "'");
  ::setenv("COV_TRACES_PY", script.c_str(), 1);
  FILE* p = ::popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr);
  if (p == nullptr) return x;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(line, absl::MaxSplits(' ', 1));
    if (kv.size() != 2) continue;
    std::string item = absl::StrReplaceAll(kv[1], {{"\t", "="}});
    if (kv[0] == "proc") EXPECT_TRUE(absl::SimpleAtoi(kv[1], &x.proc));
    if (kv[0] == "reg") EXPECT_TRUE(absl::SimpleAtoi(kv[1], &x.reg));
    if (kv[0] == "img") x.img.push_back(item);
    if (kv[0] == "host") x.host.push_back(item);
    if (kv[0] == "tobj") x.tobj.push_back(item);
  }
  return x;
}

class Sink : public ingest::events::EventSink {
 public:
  explicit Sink(TraceBuilder* b) : b_(b) {}
  void OnEvent(const ingest::events::Event& e) override { b_->Add(e); }
  void OnDiagnostic(const cov::v1::Diagnostic&) override { ++diagnostics; }
  int diagnostics = 0;

 private:
  TraceBuilder* b_;
};

std::vector<std::string> Items(const std::vector<ValueCount>& v, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size() && i < n; ++i) {
    out.push_back(absl::StrCat(v[i].value, "=", v[i].count));
  }
  return out;
}

TEST(TracesCorpusTest, SecurityDatasetsRegistryRecording) {
  auto zip = cov::testing::CorpusPath(kZip);
  ASSERT_TRUE(zip.ok()) << zip.status();
  Expected want = RunOracle(*zip);
  // Plain sanity of the oracle itself (figures printed by it, 2026-12-04:
  // 8,705 events, 14 process creations, 679 registry events).
  ASSERT_GT(want.proc, 0);
  ASSERT_GT(want.reg, 0);

  TraceBuilder b(SelectCategories(
      {"Process Creation", "Windows Registry Key Modification"}));
  Sink sink(&b);
  ingest::events::ReadStats stats;
  ASSERT_TRUE(ingest::events::ReadEvents(*zip, {}, sink, &stats).ok());
  EXPECT_EQ(sink.diagnostics, 0);
  Traces t = b.Finish();
  EXPECT_EQ(t.events_seen, stats.events);

  const CategoryTraces* proc = nullptr;
  int64_t reg_events = 0;
  std::map<std::string, int64_t> tobj;
  for (const CategoryTraces& c : t.categories) {
    if (c.category == "process_creation") proc = &c;
    if (absl::StartsWith(c.category, "registry_")) {
      reg_events += c.events;
      for (const FieldSummary& f : c.fields) {
        if (f.field != "TargetObject") continue;
        EXPECT_EQ(f.untracked, 0);
        for (const ValueCount& v : f.top) tobj[v.value] += v.count;
      }
    }
  }
  ASSERT_NE(proc, nullptr);
  EXPECT_EQ(proc->events, want.proc);
  EXPECT_EQ(Items(proc->hosts, 5), want.host);
  const FieldSummary* image = nullptr;
  for (const FieldSummary& f : proc->fields) {
    if (f.field == "Image") image = &f;
  }
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(Items(image->top, 5), want.img);
  EXPECT_EQ(reg_events, want.reg);
  // The oracle's most frequent registry keys are among ours with the same
  // counts (ours are split by category, so compare key by key).
  for (const std::string& item : want.tobj) {
    std::string key = item.substr(0, item.rfind('='));
    int64_t count = 0;
    ASSERT_TRUE(absl::SimpleAtoi(item.substr(item.rfind('=') + 1), &count));
    EXPECT_EQ(tobj[key], count) << key;
  }
  std::printf("events %lld, process_creation %lld, registry %lld\n",
              static_cast<long long>(t.events_seen),
              static_cast<long long>(proc->events),
              static_cast<long long>(reg_events));
}

}  // namespace
}  // namespace cov::server::replay
