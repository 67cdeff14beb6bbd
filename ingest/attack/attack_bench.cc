// Times ParseBundle on a bundle held in memory (no store), and prints counts.
//   bazel run -c opt //ingest/attack:attack_bench -- FILE [ITERATIONS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "ingest/attack/stix_bundle.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: attack_bench FILE [ITERATIONS]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "attack_bench: cannot read %s\n", argv[1]);
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  int iterations = argc > 2 ? std::atoi(argv[2]) : 5;
  cov::ingest::attack::ParseOptions opts;
  opts.file_name = argv[1];
  double best = 1e9;
  for (int i = 0; i < iterations; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = cov::ingest::attack::ParseBundle(bytes, opts);
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    if (ms < best) best = ms;
    if (i == 0) {
      const auto& c = r->release.counts();
      std::printf(
          "%s %s: techniques=%d subtechniques=%d revoked=%d deprecated=%d "
          "tactics=%d groups=%d software=%d campaigns=%d components=%d "
          "strategies=%d analytics=%d warnings=%zu\n",
          r->release.domain().c_str(), r->release.version().c_str(),
          c.techniques(), c.subtechniques(), c.revoked_techniques(),
          c.deprecated_techniques(), c.tactics(), c.groups(), c.software(),
          c.campaigns(), c.data_components(), c.detection_strategies(),
          c.analytics(), r->diagnostics.size());
    }
  }
  std::printf("parse: best of %d = %.1f ms (%.0f MB/s)\n", iterations, best,
              bytes.size() / 1e6 / (best / 1e3));
  return 0;
}
