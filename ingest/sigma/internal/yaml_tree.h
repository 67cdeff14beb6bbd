// A compact, read-only YAML tree built from yaml-cpp's event API.
//
// Why not YAML::Load: its nodes are reference-counted and merged through
// shared memory holders, which costs more than the scan itself on small
// files, and it expands nothing lazily that we could bound. Here every node
// lives in one per-file Arena; an alias is a node pointing at its anchored
// target (never a copy), so a "billion laughs" document costs its own size in
// memory, and ExpandedSize() measures what walking it would cost.
//
// Not thread-safe (an Arena belongs to one Parse call).
#ifndef COV_INGEST_SIGMA_INTERNAL_YAML_TREE_H_
#define COV_INGEST_SIGMA_INTERNAL_YAML_TREE_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cov::ingest::sigma::internal {

enum class NodeType : uint8_t { kNull, kScalar, kSequence, kMap, kAlias };

struct Node {
  NodeType type = NodeType::kNull;
  // Scalar written in quotes or as a block scalar (not plain).
  bool quoted = false;
  // 0-based position in the whole file.
  int line = 0;
  int column = 0;
  // Byte offset in the whole file where the node's text starts.
  size_t pos = 0;
  // Scalar text, exactly as yaml-cpp decoded it (plain dates stay text).
  std::string value;
  // Sequence items, or map entries as key, value, key, value, ...
  std::vector<const Node*> items;
  // Alias target (nullptr for an unknown or self-referencing anchor).
  const Node* target = nullptr;
  // Memo for ExpandedSize (0 = not computed yet).
  mutable uint64_t expanded = 0;

  // This node, or an alias's target (a static null node when unresolved).
  const Node* Resolve() const;
  bool IsNull() const { return Resolve()->type == NodeType::kNull; }
  bool IsScalar() const { return Resolve()->type == NodeType::kScalar; }
  bool IsMap() const { return Resolve()->type == NodeType::kMap; }
  bool IsSequence() const { return Resolve()->type == NodeType::kSequence; }
  // Map lookup (last duplicate wins, as in PyYAML); keys compared as scalar
  // text. Returns the resolved value, or nullptr when absent or not a map.
  const Node* Get(absl::string_view key) const;
  // Number of map entries.
  size_t MapSize() const { return Resolve()->items.size() / 2; }
  const Node* Key(size_t i) const { return Resolve()->items[2 * i]; }
  const Node* Value(size_t i) const {
    return Resolve()->items[2 * i + 1]->Resolve();
  }
};

// "null", "scalar", "sequence", "mapping".
absl::string_view TypeName(const Node* n);

class Arena {
 public:
  Node* New() { return &nodes_.emplace_back(); }
  size_t size() const { return nodes_.size(); }

 private:
  std::deque<Node> nodes_;  // stable addresses
};

// Number of nodes a full walk of `n` visits with aliases expanded, capped at
// `limit` (returns `limit` when the real size is larger). Linear in the
// number of distinct nodes thanks to memoisation.
uint64_t ExpandedSize(const Node* n, uint64_t limit);

// A map key found twice in one mapping.
struct DuplicateKey {
  std::string key;
  int line = 0;  // 0-based line of the second occurrence
  int column = 0;
};

struct YamlError {
  std::string message;
  int line = 0;  // 0-based, absolute in the file
  int column = 0;
};

struct ParsedChunk {
  // One root per YAML document found (nullptr for an empty document).
  std::vector<const Node*> roots;
  // Duplicate keys per document (parallel to `roots`).
  std::vector<std::vector<DuplicateKey>> duplicates;
  // Set when yaml-cpp rejected the chunk; documents before the error are kept.
  bool failed = false;
  YamlError error;
};

// Parses `text` (one or more YAML documents) with yaml-cpp into `arena`.
// `first_line` and `first_offset` (where `text` starts in the file) are added
// to every position yaml-cpp reports. Never throws.
ParsedChunk ParseYaml(absl::string_view text, int first_line,
                      size_t first_offset, Arena* arena);

// Reports each key of `map` equal (as scalar text) to an earlier key of the
// same map, in order, appending to `*out`.
void FindDuplicateKeys(const Node* map, std::vector<DuplicateKey>* out);

// ParseYaml's result for `text`, read with libyaml's event parser instead
// of yaml-cpp, or nullopt when this reader cannot promise the same nodes,
// positions and values. It answers only for one document of maps,
// sequences and scalars: it refuses (returns nullopt, leaving unused nodes in
// `arena`) anchors, aliases, tags, directives, a second document, complex
// keys, empty plain scalars (yaml-cpp and libyaml place them differently),
// double-quoted scalars holding a backslash escape (yaml-cpp writes some as
// raw bytes), a byte-order mark, NEL/LS/PS or lone CR line breaks, and every
// libyaml syntax error (yaml-cpp reports those in its own words). The
// caller then calls ParseYaml. Never throws; thread-compatible like
// ParseYaml.
std::optional<ParsedChunk> ParseYamlFast(absl::string_view text, int first_line,
                                         size_t first_offset, Arena* arena);

// A new map holding `base`'s entries updated by `overlay`'s, the way the
// legacy sigmac merged `action: global` documents: where both values are maps
// they are merged recursively, otherwise `overlay` wins. Keys named
// `skip_key` (e.g. "action") are left out. Both arguments must be maps.
const Node* MergeMaps(const Node* base, const Node* overlay,
                      absl::string_view skip_key, Arena* arena);

}  // namespace cov::ingest::sigma::internal

#endif  // COV_INGEST_SIGMA_INTERNAL_YAML_TREE_H_
