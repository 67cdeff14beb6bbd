#include "ingest/sigma/internal/yaml_tree.h"

#include <algorithm>
#include <istream>
#include <streambuf>
#include <utility>

#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/exceptions.h"
#include "yaml-cpp/mark.h"
#include "yaml-cpp/parser.h"

namespace cov::ingest::sigma::internal {
namespace {

const Node kNullNode;

// Read-only streambuf over caller memory, so yaml-cpp reads the chunk in
// place instead of from a copy in a std::istringstream.
class MemoryBuf : public std::streambuf {
 public:
  MemoryBuf(const char* data, size_t size) {
    char* p = const_cast<char*>(data);  // never written: no put area
    setg(p, p, p + size);
  }
};

// Thrown by the builder to stop yaml-cpp when its parser stops making
// progress (caught in ParseYaml; never escapes this file).
struct StopParsing {
  std::string message;
  YAML::Mark mark;
};

bool SameKey(const Node* a, const Node* b) {
  a = a->Resolve();
  b = b->Resolve();
  return a->type == NodeType::kScalar && b->type == NodeType::kScalar &&
         a->value == b->value;
}

}  // namespace

void FindDuplicateKeys(const Node* map, std::vector<DuplicateKey>* out) {
  auto report = [out](const Node* key) {
    out->push_back({key->Resolve()->value, key->line, key->column});
  };
  const size_t n = map->items.size() / 2;
  if (n < 2) return;
  if (n <= 24) {
    for (size_t i = 1; i < n; ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (SameKey(map->items[2 * i], map->items[2 * j])) {
          report(map->items[2 * i]);
          break;
        }
      }
    }
    return;
  }
  // Large maps: sort indices by key text.
  std::vector<size_t> idx;
  idx.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (map->items[2 * i]->Resolve()->type == NodeType::kScalar) {
      idx.push_back(i);
    }
  }
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    return map->items[2 * a]->Resolve()->value <
           map->items[2 * b]->Resolve()->value;
  });
  for (size_t k = 1; k < idx.size(); ++k) {
    if (SameKey(map->items[2 * idx[k]], map->items[2 * idx[k - 1]])) {
      report(map->items[2 * idx[k]]);
    }
  }
}

namespace {

// Builds Nodes from yaml-cpp events. Anchors are registered when their node
// is complete, so an alias inside its own anchor's node (a cycle) resolves
// to nothing instead of to a node under construction.
//
// yaml-cpp 0.7 loops forever on a stray flow token at document level (e.g.
// a line starting with ','; jbeder/yaml-cpp#1040, fixed after 0.7): it emits
// one empty document after another without consuming input. The builder
// stops it when a document starts where the previous one did, and as a
// general net when events outnumber what the input could produce.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(Arena* arena, int first_line, size_t first_offset,
              size_t text_size, ParsedChunk* out)
      : arena_(arena),
        first_line_(first_line),
        first_offset_(first_offset),
        max_events_(4 * text_size + 64),
        out_(out) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    Count(mark);
    if (mark.pos == last_doc_pos_) {
      throw StopParsing{"unexpected token where a document should start", mark};
    }
    last_doc_pos_ = mark.pos;
    root_ = nullptr;
    stack_.clear();
    anchors_.clear();
    duplicates_.clear();
  }

  void OnDocumentEnd() override {
    out_->roots.push_back(root_);
    out_->duplicates.push_back(std::move(duplicates_));
    duplicates_.clear();
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Count(mark);
    Node* n = Make(NodeType::kNull, mark);
    Add(n);
    Register(anchor, n);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Count(mark);
    Node* n = Make(NodeType::kAlias, mark);
    if (anchor < anchors_.size()) n->target = anchors_[anchor];
    Add(n);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag,
                YAML::anchor_t anchor, const std::string& value) override {
    Count(mark);
    Node* n = Make(NodeType::kScalar, mark);
    n->value = value;
    // yaml-cpp tags plain scalars "?" and quoted/block ones "!".
    n->quoted = tag == "!";
    Add(n);
    Register(anchor, n);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&,
                       YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Count(mark);
    Open(Make(NodeType::kSequence, mark), anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&,
                  YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Count(mark);
    Open(Make(NodeType::kMap, mark), anchor);
  }
  void OnMapEnd() override {
    CheckDuplicates(stack_.back().node);
    Close();
  }

 private:
  struct Open_ {
    Node* node;
    YAML::anchor_t anchor;
  };

  void Count(const YAML::Mark& mark) {
    if (++events_ > max_events_) {
      throw StopParsing{"YAML parser stopped making progress", mark};
    }
  }

  Node* Make(NodeType type, const YAML::Mark& mark) {
    Node* n = arena_->New();
    n->type = type;
    n->line = first_line_ + mark.line;
    n->column = mark.column;
    n->pos = first_offset_ + static_cast<size_t>(std::max(0, mark.pos));
    return n;
  }

  void Add(Node* n) {
    if (stack_.empty()) {
      root_ = n;
    } else {
      stack_.back().node->items.push_back(n);
    }
  }

  void Open(Node* n, YAML::anchor_t anchor) {
    Add(n);
    stack_.push_back({n, anchor});
  }

  void Close() {
    Open_ top = stack_.back();
    stack_.pop_back();
    Register(top.anchor, top.node);
  }

  void Register(YAML::anchor_t anchor, const Node* n) {
    if (anchor == YAML::NullAnchor) return;
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, nullptr);
    anchors_[anchor] = n;
  }

  void CheckDuplicates(const Node* map) {
    FindDuplicateKeys(map, &duplicates_);
  }

  Arena* arena_;
  int first_line_;
  size_t first_offset_;
  size_t max_events_;
  size_t events_ = 0;
  int last_doc_pos_ = -1;
  ParsedChunk* out_;
  Node* root_ = nullptr;
  std::vector<Open_> stack_;
  std::vector<const Node*> anchors_;
  std::vector<DuplicateKey> duplicates_;
};

uint64_t Expanded(const Node* n, uint64_t limit, int depth) {
  if (n->type == NodeType::kAlias) {
    return n->target == nullptr ? 1 : Expanded(n->target, limit, depth + 1);
  }
  // Leaves are never memoised: the shared static null node stays read-only.
  if (n->items.empty()) return 1;
  if (n->expanded != 0) return n->expanded;
  uint64_t total = 1;
  // Depth is bounded by the prescan and yaml-cpp's DepthGuard; this cap
  // only keeps a broken invariant from overflowing the stack.
  if (depth > 4096) return limit;
  for (const Node* c : n->items) {
    total += Expanded(c, limit, depth + 1);
    if (total >= limit) {
      total = limit;
      break;
    }
  }
  n->expanded = total;
  return total;
}

const Node* Merge(const Node* base, const Node* overlay,
                  absl::string_view skip_key, Arena* arena, int depth) {
  Node* out = arena->New();
  out->type = NodeType::kMap;
  out->line = base->line;
  out->column = base->column;
  const size_t nb = base->MapSize();
  const size_t no = overlay->MapSize();
  std::vector<bool> used(no, false);
  for (size_t i = 0; i < nb; ++i) {
    const Node* key = base->Key(i);
    const Node* value = base->Value(i);
    if (key->Resolve()->value == skip_key) continue;
    // Last duplicate in the overlay wins, as in a Python dict.
    size_t found = no;
    for (size_t j = 0; j < no; ++j) {
      if (SameKey(key, overlay->Key(j))) found = j;
    }
    if (found != no) {
      for (size_t j = 0; j < no; ++j) {
        if (SameKey(key, overlay->Key(j))) used[j] = true;
      }
      const Node* ov = overlay->Value(found);
      if (value->type == NodeType::kMap && ov->type == NodeType::kMap &&
          depth < 64) {
        value = Merge(value, ov, absl::string_view(), arena, depth + 1);
      } else {
        value = ov;
      }
    }
    out->items.push_back(key);
    out->items.push_back(value);
  }
  for (size_t j = 0; j < no; ++j) {
    if (used[j]) continue;
    const Node* key = overlay->Key(j);
    if (key->Resolve()->value == skip_key) continue;
    out->items.push_back(key);
    out->items.push_back(overlay->Value(j));
  }
  return out;
}

}  // namespace

const Node* Node::Resolve() const {
  if (type != NodeType::kAlias) return this;
  return target != nullptr ? target : &kNullNode;
}

const Node* Node::Get(absl::string_view key) const {
  const Node* self = Resolve();
  if (self->type != NodeType::kMap) return nullptr;
  const Node* found = nullptr;
  for (size_t i = 0; i + 1 < self->items.size(); i += 2) {
    const Node* k = self->items[i]->Resolve();
    if (k->type == NodeType::kScalar && k->value == key) {
      found = self->items[i + 1]->Resolve();
    }
  }
  return found;
}

absl::string_view TypeName(const Node* n) {
  switch (n->Resolve()->type) {
    case NodeType::kNull:
      return "null";
    case NodeType::kScalar:
      return "scalar";
    case NodeType::kSequence:
      return "sequence";
    case NodeType::kMap:
      return "mapping";
    case NodeType::kAlias:
      break;
  }
  return "alias";
}

uint64_t ExpandedSize(const Node* n, uint64_t limit) {
  return Expanded(n, limit, 0);
}

ParsedChunk ParseYaml(absl::string_view text, int first_line,
                      size_t first_offset, Arena* arena) {
  ParsedChunk out;
  // yaml-cpp's positions start after a byte-order mark.
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
    first_offset += 3;
  MemoryBuf buf(text.data(), text.size());
  std::istream in(&buf);
  TreeBuilder builder(arena, first_line, first_offset, text.size(), &out);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const StopParsing& e) {
    out.failed = true;
    out.error.message = e.message;
    out.error.line = first_line + std::max(0, e.mark.line);
    out.error.column = std::max(0, e.mark.column);
  } catch (const YAML::Exception& e) {
    out.failed = true;
    out.error.message = e.msg;
    out.error.line = first_line + std::max(0, e.mark.line);
    out.error.column = std::max(0, e.mark.column);
  } catch (const std::exception& e) {
    // yaml-cpp may surface std::bad_alloc or similar; keep them at the edge.
    out.failed = true;
    out.error.message = e.what();
    out.error.line = first_line;
  }
  return out;
}

const Node* MergeMaps(const Node* base, const Node* overlay,
                      absl::string_view skip_key, Arena* arena) {
  return Merge(base->Resolve(), overlay->Resolve(), skip_key, arena, 0);
}

}  // namespace cov::ingest::sigma::internal
