// Generates Suricata EVE lines and streams them through EveReader, timing
// the parse only; prints lines/s, MB/s and peak RSS.
//
//   bazel run -c opt //ingest/alerts:alerts_bench -- [LINES] [FILE|--collect]
//
// LINES defaults to 1,000,000 (7 in 10 alerts, the rest flow/dns/http, and
// 1 in 1,000 lines malformed). Modes:
//   (default)  lines generated in memory 1 MiB at a time and fed to an
//              EveReader whose sink tallies signature IDs: memory stays
//              bounded whatever LINES is; only Feed/Finish are timed.
//   FILE       lines written to FILE first, then read back in 1 MiB chunks
//              (the import path); the timing includes reading the file.
//   --collect  all lines built into one string, then ParseEve (every alert
//              kept in a vector): shows the memory an in-memory import costs.
// Exit status 1 if the counts read back differ from those generated.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "ingest/alerts/eve.h"

namespace {

struct Generated {
  int64_t lines = 0, alerts = 0, malformed = 0, other = 0;
};

// A day of traffic: line i of the file.
std::string Line(int64_t i, Generated* g) {
  ++g->lines;
  const int64_t second = 1713657600 + i / 20;  // 2024-04-21, 20 lines/s
  const int h = static_cast<int>((second / 3600) % 24);
  const int m = static_cast<int>((second / 60) % 60);
  const int s = static_cast<int>(second % 60);
  char ts[64];
  std::snprintf(ts, sizeof(ts), "2024-04-21T%02d:%02d:%02d.%06d+0000", h, m, s,
                static_cast<int>((i * 7919) % 1000000));
  const std::string src =
      absl::StrCat("10.", (i >> 16) & 255, ".", (i >> 8) & 255, ".", i & 255);
  if (i % 1000 == 999) {
    ++g->malformed;
    return absl::StrCat(R"({"timestamp":")", ts, R"(","event_type":"al)");
  }
  const std::string head = absl::StrCat(R"({"timestamp":")", ts,
                                        R"(","flow_id":)", 1000000000000000 + i,
                                        R"(,"in_iface":"eth0","event_type":")");
  switch (i % 10) {
    case 7:
      ++g->other;
      return absl::StrCat(
          head, R"(flow","src_ip":")", src,
          R"(","src_port":49812,"dest_ip":"192.0.2.80","dest_port":443,)"
          R"("proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":12,)"
          R"("pkts_toclient":10,"bytes_toserver":1822,"bytes_toclient":)"
          R"(9123,"start":")",
          ts, R"(","end":")", ts,
          R"(","age":1,"state":"closed","reason":"timeout","alerted":false}})");
    case 8:
      ++g->other;
      return absl::StrCat(
          head, R"(dns","src_ip":")", src,
          R"(","src_port":53124,"dest_ip":"10.0.0.1","dest_port":53,)"
          R"("proto":"UDP","dns":{"type":"query","id":)",
          i % 65536, R"(,"rrname":"host)", i % 977,
          R"(.example.test","rrtype":"A","tx_id":0}})");
    case 9:
      ++g->other;
      return absl::StrCat(
          head, R"(http","src_ip":")", src,
          R"(","src_port":51000,"dest_ip":"192.0.2.81","dest_port":80,)"
          R"("proto":"TCP","tx_id":0,"http":{"hostname":"files.example.test",)"
          R"("url":"/download/)",
          i % 4096,
          R"j(.bin","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; )j"
          R"j(x64)","http_method":"GET","protocol":"HTTP/1.1","status":200,)j"
          R"("length":)",
          i % 100000, "}}");
    default: {
      ++g->alerts;
      const int64_t sid = 9000000 + i % 500;
      return absl::StrCat(
          head, R"(alert","src_ip":")", src,
          R"(","src_port":49812,"dest_ip":"192.0.2.80","dest_port":80,)"
          R"("proto":"TCP","pkt_src":"wire/pcap","tx_id":1,"alert":{)"
          R"("action":"allowed","gid":1,"signature_id":)",
          sid, R"(,"rev":2,"signature":"COV test rule )", sid,
          R"(: suspicious download","category":"Potentially Bad Traffic",)"
          R"("severity":2,"metadata":{"mitre_technique_id":["T1197"]}},)"
          R"("http":{"hostname":"files.example.test","url":"/payload)",
          i % 100,
          R"(.exe","http_user_agent":"Microsoft BITS/7.8","http_method":)"
          R"("GET","protocol":"HTTP/1.1","length":0},"app_proto":"http",)"
          R"("direction":"to_server","flow":{"pkts_toserver":6,)"
          R"("pkts_toclient":5,"bytes_toserver":803,"bytes_toclient":692,)"
          R"("start":")",
          ts, R"("}})");
    }
  }
}

double PeakRssMb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;  // Linux: KiB
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const std::string mode = argc > 2 ? argv[2] : "";
  const bool collect = mode == "--collect";
  const char* file = !mode.empty() && !collect ? argv[2] : nullptr;
  constexpr size_t kChunk = 1 << 20;
  Generated gen;

  absl::flat_hash_map<int64_t, int64_t> per_sid;
  int64_t with_ts = 0;
  cov::ingest::alerts::EveReader reader("bench.json",
                                        [&](cov::ingest::alerts::EveAlert&& a) {
                                          ++per_sid[a.signature_id];
                                          with_ts += a.has_timestamp;
                                        });

  double parse_seconds = 0;
  uint64_t bytes = 0;
  auto timed_feed = [&](const std::string& chunk) {
    const auto t0 = std::chrono::steady_clock::now();
    reader.Feed(chunk);
    parse_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    bytes += chunk.size();
  };

  std::string chunk;
  chunk.reserve(kChunk + 4096);
  if (collect) {
    std::string content;
    for (int64_t i = 0; i < n; ++i) {
      content += Line(i, &gen);
      content += '\n';
    }
    const auto t0 = std::chrono::steady_clock::now();
    cov::ingest::alerts::EveFile f =
        cov::ingest::alerts::ParseEve(content, "bench.json");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    for (const auto& a : f.alerts) {
      ++per_sid[a.signature_id];
      with_ts += a.has_timestamp;
    }
    std::printf(
        "collect: lines=%lld alerts kept=%zu; content %.1f MB; parse %.3f s "
        "(%.0f lines/s); peak RSS %.1f MB\n",
        static_cast<long long>(f.stats.lines), f.alerts.size(),
        content.size() / 1e6, seconds, f.stats.lines / seconds, PeakRssMb());
    const bool ok = f.stats.lines == gen.lines &&
                    f.stats.alerts == gen.alerts &&
                    f.stats.malformed == gen.malformed && with_ts == gen.alerts;
    return ok ? 0 : 1;
  }
  if (file != nullptr) {
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      for (int64_t i = 0; i < n; ++i) {
        chunk += Line(i, &gen);
        chunk += '\n';
        if (chunk.size() >= kChunk) {
          out.write(chunk.data(), chunk.size());
          chunk.clear();
        }
      }
      out.write(chunk.data(), chunk.size());
      chunk.clear();
      if (!out) {
        std::fprintf(stderr, "alerts_bench: cannot write %s\n", file);
        return 2;
      }
    }
    std::ifstream in(file, std::ios::binary);
    std::string buf(kChunk, '\0');
    const auto t0 = std::chrono::steady_clock::now();
    while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
      const auto got = static_cast<size_t>(in.gcount());
      reader.Feed(absl::string_view(buf.data(), got));
      bytes += got;
    }
    reader.Finish();
    parse_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();  // includes reading the file
  } else {
    for (int64_t i = 0; i < n; ++i) {
      chunk += Line(i, &gen);
      chunk += '\n';
      if (chunk.size() >= kChunk) {
        timed_feed(chunk);
        chunk.clear();
      }
    }
    timed_feed(chunk);
    const auto t0 = std::chrono::steady_clock::now();
    reader.Finish();
    parse_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
  }

  const auto& st = reader.stats();
  std::printf(
      "lines=%lld alerts=%lld skipped=%lld malformed=%lld blank=%lld "
      "sids=%zu with_timestamp=%lld diagnostics=%zu(+%lld dropped)\n",
      static_cast<long long>(st.lines), static_cast<long long>(st.alerts),
      static_cast<long long>(st.skipped), static_cast<long long>(st.malformed),
      static_cast<long long>(st.blank), per_sid.size(),
      static_cast<long long>(with_ts), st.diagnostics.size(),
      static_cast<long long>(st.diagnostics_dropped));
  std::printf("parse: %.3f s for %.1f MB: %.0f lines/s, %.0f MB/s%s\n",
              parse_seconds, bytes / 1e6, st.lines / parse_seconds,
              bytes / 1e6 / parse_seconds,
              file != nullptr ? " (file read included)" : "");
  std::printf("peak RSS: %.1f MB\n", PeakRssMb());
  const bool ok = st.lines == gen.lines && st.alerts == gen.alerts &&
                  st.malformed == gen.malformed && st.skipped == gen.other &&
                  with_ts == gen.alerts;
  if (!ok) {
    std::fprintf(stderr,
                 "alerts_bench: counts differ from generated (lines %lld, "
                 "alerts %lld, malformed %lld, other %lld)\n",
                 static_cast<long long>(gen.lines),
                 static_cast<long long>(gen.alerts),
                 static_cast<long long>(gen.malformed),
                 static_cast<long long>(gen.other));
    return 1;
  }
  return 0;
}
