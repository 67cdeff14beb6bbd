// Replay: stored Sigma rules (compiled into a sigma_eval::RuleSet) evaluated
// on recorded event logs, counting per rule the matching events and keeping
// the first few as examples — the evidence half of "does this rule fire on
// the attack?".
//
// Contract:
// - Inputs are paths the caller has already checked against the server's
//   ingest roots (files, folders, archives; see ingest/events/reader.h) and
//   blobs sent by content (written to a private temporary file and read
//   like a file; removed afterwards). Folders are expanded to their files
//   (ingest/base/file_walk.h order), and the files are read in parallel,
//   `threads` at a time, each by one worker with its own MatchScratch.
// - Results are deterministic: per-file results are merged in input order,
//   so a rule's examples are its first matches in reading order whatever
//   the thread timing.
// - Problems inside the logs (broken records, non-log files, zip bombs) are
//   diagnostics; the replay goes on. A path that does not exist is a
//   diagnostic too (code events-not-found), not a failure of the call.
// - Memory: bounded by one record per worker, plus examples (max_examples
//   per rule) and, when a tap is given, what the taps keep.
//
//   ReplayConfig config;
//   ReplayResult r = RunReplay(*set, {"logs/"}, {}, config);
//   cov::v1::ReplayResponse out = ToResponse(*set, r, kb, others, config);
#ifndef COV_SERVER_REPLAY_REPLAY_H_
#define COV_SERVER_REPLAY_REPLAY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cov/v1/replay.pb.h"
#include "cov/v1/rules.pb.h"
#include "ingest/events/reader_options.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/ref_resolver.h"
#include "server/engine/sigma_eval/rule_set.h"

namespace cov::server::replay {

// A log sent by content.
struct LogBlob {
  std::string name;  // shown in diagnostics and match locations
  std::string bytes;
};

struct ReplayConfig {
  // Example events kept per rule (clamped to 0..100). Default: 3.
  int max_examples = 3;
  // Files read at once. Default: 2 (the reference machine's cores).
  int threads = 2;
  ingest::events::ReaderOptions reader;
  // When set, every event of file i is also handed to taps[i] =
  // make_tap() (one tap per input file, created on the worker), e.g. to
  // summarise traces; the taps are returned in input-file order.
  std::function<std::unique_ptr<ingest::events::EventSink>()> make_tap;
};

struct RuleHits {
  int64_t matches = 0;
  std::vector<cov::v1::EventRef> examples;
};

struct ReplayResult {
  int64_t files = 0;   // event-log files and archive members read
  int64_t events = 0;  // events delivered
  // Parallel to the RuleSet's compiled rules.
  std::vector<RuleHits> hits;
  std::vector<cov::v1::Diagnostic> diagnostics;
  // One per input file when ReplayConfig::make_tap was set.
  std::vector<std::unique_ptr<ingest::events::EventSink>> taps;
  double elapsed_ms = 0;
};

// Evaluates `set` on every event of `paths` and `blobs`.
ReplayResult RunReplay(const engine::sigma_eval::RuleSet& set,
                       const std::vector<std::string>& paths,
                       const std::vector<LogBlob>& blobs,
                       const ReplayConfig& config);

// Valid technique IDs a rule counts for in `kb` (revoked IDs through their
// replacement), as coverage counts them.
std::vector<std::string> RuleTechniques(const engine::KnowledgeBase& kb,
                                        const engine::OtherDomains& others,
                                        const cov::v1::Rule& rule);

// The RPC answer: matches (most first, then uid), rules not evaluable,
// verdicts for every technique the compiled rules claim, diagnostics.
cov::v1::ReplayResponse ToResponse(const engine::sigma_eval::RuleSet& set,
                                   const ReplayResult& result,
                                   const engine::KnowledgeBase& kb,
                                   const engine::OtherDomains& others);

}  // namespace cov::server::replay

#endif  // COV_SERVER_REPLAY_REPLAY_H_
