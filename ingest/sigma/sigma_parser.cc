#include "ingest/sigma/sigma_parser.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"
#include "ingest/base/rule_files.h"
#include "ingest/base/text_checks.h"
#include "ingest/base/utf8.h"
#include "ingest/sigma/attack_tags.h"
#include "ingest/sigma/condition.h"
#include "ingest/sigma/detection_record.h"
#include "ingest/sigma/internal/prescan.h"
#include "ingest/sigma/internal/yaml_tree.h"

namespace cov::ingest::sigma {
namespace {

using internal::Node;
using internal::NodeType;

constexpr absl::string_view kStatuses[] = {"stable", "test", "experimental",
                                           "deprecated", "unsupported"};
constexpr absl::string_view kLevels[] = {"informational", "low", "medium",
                                         "high", "critical"};
constexpr absl::string_view kCorrelationTypes[] = {
    "event_count", "value_count", "temporal",         "temporal_ordered",
    "value_sum",   "value_avg",   "value_percentile", "value_median"};

// A null node, or a plain scalar YAML reads as null.
bool IsNullish(const Node* n) {
  if (n == nullptr) return true;
  n = n->Resolve();
  if (n->type == NodeType::kNull) return true;
  if (n->type != NodeType::kScalar || n->quoted) return false;
  const std::string& v = n->value;
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

bool IsSearchIdentifierChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         c == '-';
}

// The first TAB in the indentation of a line of `text` (which starts at
// 0-based line `first_line`) up to 0-based line `last_line`, as 0-based
// line and column; false when there is none.
bool IndentTab(absl::string_view text, int first_line, int last_line, int* line,
               int* column) {
  int l = first_line;
  for (size_t start = 0; start < text.size() && l <= last_line; ++l) {
    size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) end = text.size();
    for (size_t i = start; i < end && (text[i] == ' ' || text[i] == '\t');
         ++i) {
      if (text[i] == '\t') {
        // A line holding only blanks or a comment does not indent anything.
        size_t j = i;
        while (j < end && (text[j] == ' ' || text[j] == '\t')) ++j;
        if (j == end || text[j] == '#' || text[j] == '\r') break;
        *line = l;
        *column = static_cast<int>(i - start);
        return true;
      }
    }
    start = end + 1;
  }
  return false;
}

// One YAML document of the file.
struct Doc {
  const Node* root = nullptr;  // unresolved root; nullptr when empty
  absl::string_view text;      // bytes of the chunk it came from
  int index = 0;               // 0-based document index in the file
  const std::vector<internal::DuplicateKey>* duplicates = nullptr;
};

class FileParser {
 public:
  FileParser(const SigmaParserOptions& options, const SourceFile& file,
             ParsedFile* out)
      : options_(options), file_(file), out_(out) {}

  void Run() {
    const absl::string_view text = file_.content;
    if (text.size() > options_.max_file_bytes) {
      Add(cov::v1::SEVERITY_ERROR, 0, 0, "sigma-file-too-large",
          absl::StrCat("file is ", text.size(), " bytes; the limit is ",
                       options_.max_file_bytes));
      return;
    }
    if (const absl::string_view enc = Utf16Encoding(text); !enc.empty()) {
      Add(cov::v1::SEVERITY_ERROR, 1, 1, "sigma-utf16-file",
          absl::StrCat("file is ", enc,
                       ", not UTF-8: convert it to UTF-8 (e.g. iconv -f UTF-16 "
                       "-t UTF-8); not parsed"));
      return;
    }
    internal::PrescanLimits limits;
    limits.max_depth = options_.max_depth;
    limits.max_aliases = options_.max_aliases;
    const internal::PrescanResult scan = internal::Prescan(text, limits);
    if (scan.nul_line != 0) {
      Add(cov::v1::SEVERITY_ERROR, scan.nul_line, 0, "sigma-binary-file",
          "file holds NUL bytes: binary, not a YAML rule");
      return;
    }
    if (scan.invalid_utf8_line != 0) {
      Add(cov::v1::SEVERITY_WARNING, scan.invalid_utf8_line,
          scan.invalid_utf8_column, "sigma-invalid-utf8",
          "file is not valid UTF-8 (parsed anyway; invalid bytes become "
          "U+FFFD)");
    }
    if (scan.alias_limit_line != 0) {
      Add(cov::v1::SEVERITY_ERROR, scan.alias_limit_line, 0, "sigma-alias-bomb",
          absl::StrCat("file uses ", scan.alias_count,
                       " YAML aliases; more than ", options_.max_aliases,
                       " is refused (alias bomb)"));
      return;
    }
    ParseChunks(text, scan);
    if (std::none_of(scan.chunks.begin(), scan.chunks.end(),
                     [](const internal::Chunk& c) { return c.has_content; })) {
      Add(cov::v1::SEVERITY_WARNING, 1, 1, "sigma-empty-file",
          "file holds no YAML document (empty, or only comments and "
          "separators): no rule");
    }
    // Also for valid input: yaml-cpp decodes escapes such as "\N" into
    // single raw bytes, which are not UTF-8.
    ingest::SanitizeUtf8(out_);
  }

 private:
  void ParseChunks(absl::string_view text,
                   const internal::PrescanResult& scan) {
    int doc_index = 0;
    for (const internal::Chunk& chunk : scan.chunks) {
      if (!chunk.has_content) continue;
      const absl::string_view chunk_text =
          text.substr(chunk.begin, chunk.end - chunk.begin);
      if (chunk.too_deep_line != 0) {
        Add(cov::v1::SEVERITY_ERROR, chunk.too_deep_line, 0, "sigma-too-deep",
            absl::StrCat("YAML nesting deeper than ", options_.max_depth,
                         " levels; document not parsed"));
        ++doc_index;
        continue;
      }
      std::optional<internal::ParsedChunk> fast;
      if (options_.fast_yaml) {
        fast = internal::ParseYamlFast(chunk_text, chunk.first_line,
                                       chunk.begin, &arena_);
      }
      internal::ParsedChunk parsed =
          fast.has_value() ? *std::move(fast)
                           : internal::ParseYaml(chunk_text, chunk.first_line,
                                                 chunk.begin, &arena_);
      chunks_.push_back(std::move(parsed));
      const internal::ParsedChunk& pc = chunks_.back();
      for (size_t i = 0; i < pc.roots.size(); ++i) {
        Doc doc;
        doc.root = pc.roots[i];
        doc.text = chunk_text;
        doc.index = doc_index++;
        doc.duplicates = &pc.duplicates[i];
        Process(doc);
      }
      if (pc.failed) {
        int tab_line = 0, tab_column = 0;
        if (IndentTab(chunk_text, chunk.first_line, pc.error.line, &tab_line,
                      &tab_column)) {
          Add(cov::v1::SEVERITY_ERROR, tab_line + 1, tab_column + 1,
              "sigma-yaml-syntax",
              absl::StrCat("invalid YAML: TAB used for indentation (YAML "
                           "indents with spaces only; yaml-cpp: ",
                           pc.error.message, ")"));
        } else {
          Add(cov::v1::SEVERITY_ERROR, pc.error.line + 1, pc.error.column + 1,
              "sigma-yaml-syntax",
              absl::StrCat("invalid YAML: ", pc.error.message));
        }
        ++doc_index;
      }
    }
  }

  void Add(cov::v1::Severity severity, int line, int column,
           absl::string_view code, absl::string_view message) {
    cov::v1::Diagnostic d =
        MakeDiagnostic(severity, file_.path, line, column, code, message);
    if (!object_.empty()) d.set_object(object_);
    out_->diagnostics.push_back(std::move(d));
  }
  void Error(const Node* at, absl::string_view code, absl::string_view msg) {
    Add(cov::v1::SEVERITY_ERROR, at->line + 1, at->column + 1, code, msg);
  }
  void Warn(const Node* at, absl::string_view code, absl::string_view msg) {
    Add(cov::v1::SEVERITY_WARNING, at->line + 1, at->column + 1, code, msg);
  }

  void ReportDuplicates(const Doc& doc) {
    for (const internal::DuplicateKey& d : *doc.duplicates) {
      Add(cov::v1::SEVERITY_ERROR, d.line + 1, d.column + 1,
          "sigma-duplicate-key",
          absl::StrCat("key '", d.key,
                       "' appears twice in one mapping (the last one wins)"));
    }
  }

  void Process(const Doc& doc) {
    object_.clear();
    invalid_action_ = nullptr;
    if (doc.root == nullptr || IsNullish(doc.root)) return;  // empty document
    const Node* root = doc.root->Resolve();
    if (internal::ExpandedSize(root, options_.max_expanded_nodes) >=
        options_.max_expanded_nodes) {
      Error(doc.root, "sigma-alias-bomb",
            absl::StrCat("document expands to more than ",
                         options_.max_expanded_nodes,
                         " nodes through aliases (alias bomb)"));
      return;
    }
    if (root->type != NodeType::kMap) {
      Warn(doc.root, "sigma-not-a-rule",
           absl::StrCat("YAML document is a ", internal::TypeName(root),
                        ", not a Sigma rule mapping"));
      return;
    }
    const uint64_t doc_hash = Fnv1a64(doc.text);
    const Node* action = root->Get("action");
    std::string act;
    if (action != nullptr && !IsNullish(action)) {
      if (action->type == NodeType::kScalar) act = action->value;
      if (act == "global") {
        ReportDuplicates(doc);
        global_ = global_ == nullptr
                      ? internal::MergeMaps(root, root, "action", &arena_)
                      : internal::MergeMaps(global_, root, "action", &arena_);
        global_hash_ = Fnv1a64(doc.text, global_hash_);
        return;
      }
      if (act == "reset") {
        global_ = nullptr;
        global_hash_ = kFnv1a64Offset;
        return;
      }
      if (act == "repeat") {
        if (prev_ == nullptr) {
          ReportDuplicates(doc);
          Error(action, "sigma-invalid-action",
                "'action: repeat' with no rule before it to repeat");
          return;
        }
        const Node* merged =
            internal::MergeMaps(prev_, root, "action", &arena_);
        const uint64_t h = Fnv1a64(doc.text, prev_hash_);
        BuildRule(merged, doc, h);
        prev_ = merged;
        prev_hash_ = h;
        return;
      }
      // Reported by BuildRule, once the rule's uid is known.
      invalid_action_ = action;
    }
    const Node* merged = root;
    uint64_t h = doc_hash;
    if (global_ != nullptr) {
      merged = internal::MergeMaps(root, global_, "action", &arena_);
      h = Fnv1a64(doc.text, global_hash_);
    }
    BuildRule(merged, doc, h);
    prev_ = merged;
    prev_hash_ = h;
  }

  static std::string TextOf(const Node* n) {
    n = n->Resolve();
    if (n->type == NodeType::kScalar) return n->value;
    return absl::StrCat("<", internal::TypeName(n), ">");
  }

  // The key node of `key` in map `m` (last duplicate), or nullptr.
  static const Node* KeyNode(const Node* m, absl::string_view key) {
    m = m->Resolve();
    const Node* found = nullptr;
    for (size_t i = 0; i < m->MapSize(); ++i) {
      const Node* k = m->Key(i)->Resolve();
      if (k->type == NodeType::kScalar && k->value == key) found = k;
    }
    return found;
  }

  // The value of `key` unless absent or null.
  static const Node* Field(const Node* m, absl::string_view key) {
    const Node* n = m->Get(key);
    return IsNullish(n) ? nullptr : n;
  }

  // Scalar field text into *out; wrong types are reported.
  bool ScalarField(const Node* m, absl::string_view key, std::string* out) {
    const Node* n = Field(m, key);
    if (n == nullptr) return false;
    if (n->type != NodeType::kScalar) {
      Error(n, "sigma-invalid-field",
            absl::StrCat("'", key, "' must be a string, not a ",
                         internal::TypeName(n)));
      return false;
    }
    *out = n->value;
    return true;
  }

  // List-of-strings field; each accepted item is passed to `add`.
  template <typename AddFn>
  void ListField(const Node* m, absl::string_view key, AddFn add) {
    const Node* n = Field(m, key);
    if (n == nullptr) return;
    if (n->type == NodeType::kScalar) {
      Error(n, "sigma-invalid-field",
            absl::StrCat("'", key,
                         "' must be a list of strings, not a "
                         "single string (kept as one item)"));
      add(n);
      return;
    }
    if (n->type != NodeType::kSequence) {
      Error(n, "sigma-invalid-field",
            absl::StrCat("'", key, "' must be a list of strings, not a ",
                         internal::TypeName(n)));
      return;
    }
    for (const Node* item : n->items) {
      const Node* v = item->Resolve();
      if (IsNullish(v)) continue;
      if (v->type != NodeType::kScalar) {
        Error(item, "sigma-invalid-field",
              absl::StrCat("items of '", key, "' must be strings, not a ",
                           internal::TypeName(v)));
        continue;
      }
      add(item);
    }
  }

  void BuildRule(const Node* m, const Doc& doc, uint64_t hash) {
    const Node* root = doc.root;
    const Node* correlation = m->Get("correlation");
    const bool has_detection = m->Get("detection") != nullptr;
    // A correlation rule: `correlation:` is a mapping with `type` and there
    // is no `detection:`. Anything else is a detection rule with an unknown
    // key (e.g. an author's note `correlation: correlate X with 4624`).
    const bool is_correlation = correlation != nullptr && !has_detection &&
                                correlation->type == NodeType::kMap &&
                                correlation->Get("type") != nullptr;
    const bool looks_like_rule = is_correlation || has_detection ||
                                 m->Get("logsource") != nullptr ||
                                 m->Get("title") != nullptr;
    if (!is_correlation && !has_detection && m->Get("filter") != nullptr) {
      ReportDuplicates(doc);
      Warn(root, "sigma-filter-skipped",
           "Sigma filter document (top-level 'filter'): not a detection "
           "rule, skipped");
      return;
    }
    if (!looks_like_rule) {
      ReportDuplicates(doc);
      Warn(root, "sigma-not-a-rule",
           "YAML mapping without title, logsource or detection: not a "
           "Sigma rule, skipped");
      return;
    }

    cov::v1::Rule rule;
    // Identity first, so every diagnostic below names the rule.
    std::string id;
    const Node* id_node = Field(m, "id");
    if (id_node != nullptr && id_node->type == NodeType::kScalar) {
      id = id_node->value;
    }
    std::string uid = !id.empty() ? id
                                  : absl::StrCat(file_.source, ":", file_.path,
                                                 "#", doc.index);
    const bool duplicate_uid = !uids_.insert(uid).second;
    if (duplicate_uid) {
      uid = absl::StrCat(uid, "#", doc.index);
      uids_.insert(uid);
    }
    object_ = uid;
    if (invalid_action_ != nullptr) {
      Error(invalid_action_, "sigma-invalid-action",
            absl::StrCat("unknown action '", TextOf(invalid_action_),
                         "' (global, reset, repeat); read as a plain rule"));
      invalid_action_ = nullptr;
    }
    ReportDuplicates(doc);
    if (id_node == nullptr) {
      Warn(root, "sigma-missing-id",
           absl::StrCat("rule has no 'id'; uid falls back to ", uid));
    } else if (id_node->type != NodeType::kScalar) {
      Error(id_node, "sigma-invalid-field",
            absl::StrCat("'id' must be a string, not a ",
                         internal::TypeName(id_node)));
    } else if (!IsUuid(id)) {
      Error(id_node, "sigma-invalid-id",
            absl::StrCat("'id' ", id, " is not a UUID (8-4-4-4-12 hex)"));
    }
    if (duplicate_uid && !id.empty()) {
      Warn(id_node != nullptr ? id_node : root, "sigma-duplicate-id",
           absl::StrCat("id ", id,
                        " is used by an earlier rule of this file "
                        "(e.g. shared through 'action: global'); "
                        "uid made unique as ",
                        uid));
    }

    rule.set_uid(uid);
    rule.set_format(cov::v1::RULE_FORMAT_SIGMA);
    rule.set_source(file_.source);
    rule.set_file(file_.path);
    rule.set_line(root->line + 1);
    rule.set_enabled(true);
    rule.set_is_correlation(is_correlation);
    rule.set_content_hash(Hex64(hash));

    std::string s;
    if (const Node* t = Field(m, "title"); t == nullptr) {
      Error(root, "sigma-missing-field", "required field 'title' is missing");
    } else if (t->type != NodeType::kScalar) {
      Error(t, "sigma-invalid-field",
            absl::StrCat("'title' must be a string, not a ",
                         internal::TypeName(t)));
    } else if (t->value.empty()) {
      Error(t, "sigma-missing-field", "'title' is empty");
    } else {
      rule.set_title(t->value);
    }
    if (ScalarField(m, "status", &s)) {
      rule.set_status(s);
      if (!OneOf(s, kStatuses)) {
        Error(Field(m, "status"), "sigma-invalid-status",
              absl::StrCat("status '", s,
                           "' is not one of stable, test, experimental, "
                           "deprecated, unsupported"));
      }
    }
    if (ScalarField(m, "level", &s)) {
      rule.set_level(s);
      if (!OneOf(s, kLevels)) {
        Error(Field(m, "level"), "sigma-invalid-level",
              absl::StrCat("level '", s,
                           "' is not one of informational, low, medium, "
                           "high, critical"));
      }
    }
    if (ScalarField(m, "date", &s)) rule.set_date(s);
    if (ScalarField(m, "modified", &s)) rule.set_modified(s);
    if (const Node* a = Field(m, "author");
        a != nullptr && a->type == NodeType::kSequence) {
      // Several authors as a list: kept comma-separated, as the spec writes.
      std::vector<std::string> names;
      for (const Node* item : a->items) {
        if (item->IsScalar()) names.push_back(item->Resolve()->value);
      }
      rule.set_author(absl::StrJoin(names, ", "));
    } else if (ScalarField(m, "author", &s)) {
      rule.set_author(s);
    }
    ListField(m, "references",
              [&](const Node* n) { rule.add_references(n->Resolve()->value); });
    ListField(m, "falsepositives", [&](const Node* n) {
      rule.add_falsepositives(n->Resolve()->value);
    });
    ListField(m, "tags", [&](const Node* n) {
      const std::string& tag = n->Resolve()->value;
      rule.add_tags(tag);
      AddAttackRef(tag, n, &rule);
    });

    if (const Node* ls = Field(m, "logsource"); ls != nullptr) {
      if (ls->type != NodeType::kMap) {
        Error(ls, "sigma-invalid-field",
              absl::StrCat("'logsource' must be a mapping, not a ",
                           internal::TypeName(ls)));
      } else {
        if (ScalarField(ls, "product", &s)) rule.set_logsource_product(s);
        if (ScalarField(ls, "category", &s)) rule.set_logsource_category(s);
        if (ScalarField(ls, "service", &s)) rule.set_logsource_service(s);
      }
    } else if (!is_correlation) {
      Error(root, "sigma-missing-field",
            "required field 'logsource' is missing");
    }

    if (is_correlation) {
      CheckCorrelation(m);
    } else {
      if (correlation != nullptr) {
        std::string why;
        if (has_detection) {
          why = " beside 'detection'";
        } else if (correlation->type == NodeType::kMap) {
          why = " without 'type'";
        }
        Warn(KeyNode(m, "correlation"), "sigma-unknown-key",
             absl::StrCat("unknown key 'correlation' (a ",
                          internal::TypeName(correlation), why,
                          "): not a correlation rule; read as a detection "
                          "rule"));
      }
      CheckDetection(m, root);
    }
    if (absl::Status st = FillSigmaRecord(m, &rule); !st.ok()) {
      Error(root,
            is_correlation ? "sigma-invalid-correlation"
                           : "sigma-invalid-detection",
            st.message());
    }
    out_->rules.push_back(std::move(rule));
    object_.clear();
  }

  void AddAttackRef(const std::string& tag, const Node* n,
                    cov::v1::Rule* rule) {
    AttackTag at;
    switch (ClassifyTag(tag, &at)) {
      case TagClass::kNotAttack:
        WarnIfUnprefixedTechnique(tag, n);
        return;
      case TagClass::kIgnored:
        return;
      case TagClass::kMalformed:
        Warn(n, "sigma-invalid-attack-tag",
             absl::StrCat("tag '", tag,
                          "' is in the attack namespace but names no "
                          "technique, tactic, group, software or campaign"));
        return;
      case TagClass::kReference:
        break;
    }
    for (const cov::v1::AttackRef& r : rule->attack_refs()) {
      if (r.id() == at.id && r.kind() == at.kind) return;  // keep the first
    }
    cov::v1::AttackRef* ref = rule->add_attack_refs();
    ref->set_raw(tag);
    ref->set_id(at.id);
    ref->set_kind(at.kind);
    ref->set_line(n->Resolve()->line + 1);
    ref->set_origin("tags");
  }

  // `t1070.006` (a technique ID without the `attack.` namespace) is not
  // counted by Sigma tooling: say so instead of dropping it silently.
  void WarnIfUnprefixedTechnique(const std::string& tag, const Node* n) {
    absl::string_view t = absl::StripAsciiWhitespace(tag);
    if (t.size() < 5 || (t[0] != 't' && t[0] != 'T') ||
        !absl::ascii_isdigit(static_cast<unsigned char>(t[1]))) {
      return;
    }
    AttackTag at;
    const std::string prefixed = absl::StrCat("attack.", t);
    if (ClassifyTag(prefixed, &at) != TagClass::kReference ||
        at.kind != "technique") {
      return;
    }
    Warn(n, "sigma-attack-tag-without-prefix",
         absl::StrCat("tag '", t,
                      "' looks like an ATT&CK technique but lacks the "
                      "'attack.' namespace, so it is not counted: did you "
                      "mean ",
                      absl::AsciiStrToLower(prefixed), "?"));
  }

  void CheckCorrelation(const Node* m) {
    const Node* c = m->Get("correlation");
    if (c->type != NodeType::kMap) {
      Error(c, "sigma-invalid-correlation",
            absl::StrCat("'correlation' must be a mapping, not a ",
                         internal::TypeName(c)));
      return;
    }
    const Node* key = KeyNode(m, "correlation");
    const Node* t = Field(c, "type");
    if (t == nullptr || t->type != NodeType::kScalar) {
      Error(key, "sigma-invalid-correlation", "correlation has no 'type'");
    } else if (!OneOf(t->value, kCorrelationTypes)) {
      Error(t, "sigma-invalid-correlation",
            absl::StrCat("unknown correlation type '", t->value, "'"));
    }
    if (Field(c, "rules") == nullptr) {
      Error(key, "sigma-invalid-correlation", "correlation has no 'rules'");
    }
    if (Field(c, "timespan") == nullptr) {
      Error(key, "sigma-invalid-correlation", "correlation has no 'timespan'");
    }
  }

  // Column (1-based) of `offset` inside scalar `n` when it sits on one line;
  // otherwise the node's own column.
  int ColumnIn(const Node* n, int offset) const {
    const absl::string_view text = file_.content;
    const size_t pos = n->pos;
    if (pos >= text.size()) return n->column + 1;
    const char first = text[pos];
    if (first == '|' || first == '>') return n->column + 1;
    const int skip = (first == '\'' || first == '"') ? 1 : 0;
    // A scalar spread over several lines (folded) keeps the node column.
    const size_t raw = n->value.size() + 2 * skip;
    const size_t len = std::min(raw, text.size() - pos);
    if (std::memchr(text.data() + pos, '\n', len) != nullptr) {
      return n->column + 1;
    }
    return n->column + 1 + skip + offset;
  }

  void CheckDetection(const Node* m, const Node* root) {
    const Node* det = Field(m, "detection");
    if (det == nullptr) {
      Error(root, "sigma-missing-field",
            "required field 'detection' is missing");
      return;
    }
    if (det->type != NodeType::kMap) {
      Error(det, "sigma-invalid-field",
            absl::StrCat("'detection' must be a mapping, not a ",
                         internal::TypeName(det)));
      return;
    }
    std::vector<std::string> defined;
    const Node* condition = nullptr;
    for (size_t i = 0; i < det->MapSize(); ++i) {
      const Node* key = det->Key(i)->Resolve();
      const Node* value = det->Value(i);
      if (key->type != NodeType::kScalar) {
        Error(key, "sigma-invalid-detection",
              "search identifiers must be strings");
        continue;
      }
      const std::string& name = key->value;
      if (name == "condition") {
        condition = value;
        continue;
      }
      if (name == "timeframe") continue;  // legacy aggregation window
      defined.push_back(name);
      bool nameable = !name.empty();
      for (char c : name) nameable = nameable && IsSearchIdentifierChar(c);
      if (!nameable) {
        Warn(key, "sigma-invalid-identifier-name",
             absl::StrCat("search identifier '", name,
                          "' has characters a condition cannot name "
                          "(only letters, digits, '_' and '-')"));
      }
      const bool ok = (value->type == NodeType::kMap ||
                       value->type == NodeType::kSequence) &&
                      !value->items.empty();
      if (!ok) {
        Error(
            key, "sigma-invalid-detection",
            absl::StrCat("search identifier '", name,
                         "' must be a non-empty map or list, not ",
                         value->type == NodeType::kMap ||
                                 value->type == NodeType::kSequence
                             ? "an empty one"
                             : absl::StrCat("a ", internal::TypeName(value))));
      }
    }
    if (condition == nullptr || IsNullish(condition)) {
      const Node* at = KeyNode(det, "condition");
      Error(at != nullptr ? at : KeyNode(m, "detection"), "sigma-missing-field",
            "required field 'detection.condition' is missing");
      return;
    }
    if (condition->type == NodeType::kScalar) {
      CheckCondition(condition, defined);
    } else if (condition->type == NodeType::kSequence) {
      if (condition->items.empty()) {
        Error(condition, "sigma-missing-field",
              "'detection.condition' is an empty list");
      }
      for (const Node* item : condition->items) {
        const Node* c = item->Resolve();
        if (c->type != NodeType::kScalar) {
          Error(item, "sigma-invalid-field",
                absl::StrCat("conditions must be strings, not a ",
                             internal::TypeName(c)));
          continue;
        }
        CheckCondition(c, defined);
      }
    } else {
      Error(condition, "sigma-invalid-field",
            absl::StrCat("'detection.condition' must be a string or a list "
                         "of strings, not a ",
                         internal::TypeName(condition)));
    }
  }

  void CheckCondition(const Node* c, const std::vector<std::string>& defined) {
    int err_offset = 0;
    absl::StatusOr<ConditionAst> ast = ParseCondition(c->value, &err_offset);
    if (!ast.ok()) {
      Add(cov::v1::SEVERITY_ERROR, c->line + 1, ColumnIn(c, err_offset),
          "sigma-condition-syntax",
          absl::StrCat("condition '", c->value,
                       "' does not parse: ", ast.status().message()));
      return;
    }
    if (ast->aggregation.has_value()) {
      Add(cov::v1::SEVERITY_WARNING, c->line + 1,
          ColumnIn(c, ast->aggregation->offset), "sigma-deprecated-aggregation",
          absl::StrCat("legacy aggregation '| ", ast->aggregation->function,
                       "' in the condition; Sigma 2 uses correlation rules"));
    }
    if (ast->uppercase_keyword) {
      Warn(c, "sigma-condition-keyword-case",
           "condition keywords should be lowercase (pySigma rejects AND/OR/"
           "NOT)");
    }
    if (ast->any_quantifier) {
      Warn(c, "sigma-condition-any-of",
           "'any of' is not in the Sigma specification; use '1 of'");
    }
    for (const ConditionRef& ref : ConditionReferences(*ast)) {
      if (!ResolveReference(ref, defined).empty()) continue;
      std::string msg;
      if (!ref.is_pattern) {
        msg = absl::StrCat("condition uses '", ref.name,
                           "', which is not defined in detection");
      } else if (ref.name == "them") {
        msg = "'them' matches no search identifier in detection";
      } else {
        msg = absl::StrCat("pattern '", ref.name,
                           "' matches no search identifier in detection");
      }
      Add(cov::v1::SEVERITY_ERROR, c->line + 1, ColumnIn(c, ref.offset),
          "sigma-undefined-identifier", msg);
    }
  }

  const SigmaParserOptions& options_;
  const SourceFile& file_;
  ParsedFile* out_;
  internal::Arena arena_;
  std::deque<internal::ParsedChunk> chunks_;  // stable: Docs point into it
  const Node* global_ = nullptr;
  uint64_t global_hash_ = kFnv1a64Offset;
  const Node* prev_ = nullptr;
  uint64_t prev_hash_ = kFnv1a64Offset;
  absl::flat_hash_set<std::string> uids_;
  std::string object_;  // uid of the rule being checked, for diagnostics
  const Node* invalid_action_ = nullptr;  // pending sigma-invalid-action
};

}  // namespace

bool SigmaParser::Accepts(absl::string_view path) const {
  return FormatReads(format(), path);
}

ParsedFile SigmaParser::Parse(const SourceFile& file) const {
  ParsedFile out;
  FileParser parser(options_, file, &out);
  parser.Run();
  return out;
}

}  // namespace cov::ingest::sigma
