// A small, pruned YAML document read with libyaml's event parser: only the
// keys a rule parser asks for are kept (no full tree), each node with the
// 1-based line and byte column yaml-cpp would give it, so a parser can read
// the same fields from this reader or from yaml-cpp and report the same
// diagnostics.
//
// The reader covers the plain subset rule files use: one document of maps,
// lists and scalars in any style. Anything else (aliases, anchors, explicit
// tags, directives, a second document, nesting deeper than
// kMaxYamlLiteDepth, NEL/LS/PS or lone CR line breaks, a byte-order mark,
// libyaml syntax errors) is refused, and the caller falls back to a full
// parser (yaml-cpp) that reports it in its own words. Refusing is cheap and
// bounded: the reader never expands aliases and never recurses.
//
//   const YamlKeep keep({"id", "name", "tags.mitre_attack_id"});
//   absl::StatusOr<YamlLiteNode> root = ParseYamlLite(text, keep);
//   if (!root.ok()) { /* fall back to yaml-cpp */ }
//   const YamlLiteNode* id = root->Child("id");
//
// Thread-safe: ParseYamlLite keeps no state; YamlKeep is immutable.
#ifndef COV_INGEST_BASE_YAML_LITE_H_
#define COV_INGEST_BASE_YAML_LITE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::ingest {

// Nesting deeper than this (maps and lists, kept or skipped) is refused.
inline constexpr int kMaxYamlLiteDepth = 64;

// Which keys of a document to keep, as dotted paths from the root map:
// "id" keeps the root's `id` value whole (with everything under it);
// "tags.mitre_attack_id" keeps `tags` as a map holding only its
// `mitre_attack_id` value. A kept intermediate value that is not a map is
// kept with its kind, mark and scalar text but no children. Keys are matched
// exactly (no dots inside keys).
class YamlKeep {
 public:
  explicit YamlKeep(std::vector<std::string> paths);

  // How to keep `key` under the map at `prefix` ("" for the root, else
  // "a.b."): kWhole, kPartial (a prefix of a longer path) or kSkip.
  enum class Mode { kSkip, kPartial, kWhole };
  Mode Lookup(absl::string_view prefix, absl::string_view key) const;

 private:
  std::vector<std::string> paths_;
};

// One node of a pruned document; the model of yaml-cpp's YAML::Node that the
// rule parsers use.
struct YamlLiteNode {
  enum class Kind { kUndefined, kNull, kScalar, kMap, kSequence };

  Kind kind = Kind::kUndefined;
  // yaml-cpp's non-specific tag "!": a quoted or block scalar (never null).
  bool non_plain = false;
  // False for a null that stands for nothing written (`key:` with no value,
  // an empty `- ` entry): libyaml and yaml-cpp place these differently, so
  // a caller reporting such a node's position must use a full parser.
  bool mark_exact = true;
  int line = 0;    // 1-based; 0 for an undefined node
  int column = 0;  // 1-based, in bytes like yaml-cpp; 0 when undefined
  std::string scalar;
  // Map entries in file order (duplicates kept) or list entries (key unset).
  std::vector<std::pair<YamlLiteNode, YamlLiteNode>> map;
  std::vector<YamlLiteNode> sequence;

  bool IsDefined() const { return kind != Kind::kUndefined; }
  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSequence() const { return kind == Kind::kSequence; }

  // The value of the first entry whose key is the scalar `key`; a shared
  // undefined node when this is not a map or has no such key.
  const YamlLiteNode& Child(absl::string_view key) const;

  // "map", "list", "string", "null" or "nothing" (as atomics::TypeName).
  const char* TypeName() const;

  // Undefined, null, or a plain scalar `~`, `null`, `Null`, `NULL` (as
  // atomics::IsAbsent).
  bool IsAbsent() const;
};

// Parses `text` (one YAML document, valid UTF-8 without a byte-order mark)
// keeping what `keep` names; returns the root node.
// Failure codes, all meaning "use a full parser":
//   kInvalidArgument  libyaml syntax error: "line:col: <libyaml problem>"
//   kUnimplemented    valid YAML outside the subset above (names what)
//   kResourceExhausted nesting deeper than kMaxYamlLiteDepth
absl::StatusOr<YamlLiteNode> ParseYamlLite(absl::string_view text,
                                           const YamlKeep& keep);

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_YAML_LITE_H_
