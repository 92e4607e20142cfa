#include "git/tree_delta.h"

#include <algorithm>
#include <cstring>

namespace liaison {
namespace {

void put_varint(std::string& out, std::size_t n) {
  do {
    unsigned char byte = n & 0x7F;
    n >>= 7;
    if (n) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (n);
}

// Builds the new tree and its delta together, from runs of the old tree
// and inserted bytes.
class DeltaBuilder {
 public:
  explicit DeltaBuilder(std::string_view base) : base_(base) {}
  void copy(std::size_t from, std::size_t to) {
    if (to <= from) return;
    flush_insert();
    out_.tree.append(base_.substr(from, to - from));
    // Copy instruction: the offset in up to 4 bytes, the size in up to 3
    // (a longer run is split).
    while (from < to) {
      std::size_t size = std::min<std::size_t>(to - from, 0xFFFFFF);
      unsigned char op = 0x80;
      std::string args;
      for (int i = 0; i < 4; ++i)
        if (auto b = static_cast<unsigned char>((from >> (8 * i)) & 0xFF)) {
          op |= static_cast<unsigned char>(1 << i);
          args.push_back(static_cast<char>(b));
        }
      for (int i = 0; i < 3; ++i)
        if (auto b = static_cast<unsigned char>((size >> (8 * i)) & 0xFF)) {
          op |= static_cast<unsigned char>(0x10 << i);
          args.push_back(static_cast<char>(b));
        }
      ops_.push_back(static_cast<char>(op));
      ops_ += args;
      from += size;
    }
  }
  void insert(std::string_view bytes) {
    out_.tree.append(bytes);
    pending_.append(bytes);
  }
  EditedTree finish() {
    flush_insert();
    put_varint(out_.delta, base_.size());
    put_varint(out_.delta, out_.tree.size());
    out_.delta += ops_;
    return std::move(out_);
  }

 private:
  void flush_insert() {
    for (std::size_t at = 0; at < pending_.size(); at += 127) {
      auto n = std::min<std::size_t>(127, pending_.size() - at);
      ops_.push_back(static_cast<char>(n));
      ops_.append(pending_, at, n);
    }
    pending_.clear();
  }
  std::string_view base_;
  std::string ops_, pending_;
  EditedTree out_;
};

// git's order of tree entries: by name, a directory's as if followed by '/'.
bool git_before(std::string_view a, bool a_dir, std::string_view b, bool b_dir) {
  auto n = std::min(a.size(), b.size());
  if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c < 0;
  auto next = [n](std::string_view s, bool dir) -> unsigned char {
    return s.size() > n ? static_cast<unsigned char>(s[n]) : (dir ? '/' : '\0');
  };
  return next(a, a_dir) < next(b, b_dir);
}

struct Located {
  std::size_t start, end;
  RawTreeEntry entry;
};

std::optional<std::vector<Located>> locate(std::string_view tree) {
  std::vector<Located> out;
  std::size_t at = 0;
  while (at < tree.size()) {
    auto space = tree.find(' ', at);
    if (space == std::string_view::npos || space == at) return std::nullopt;
    auto mode = tree.substr(at, space - at);
    auto nul = tree.find('\0', space + 1);
    if (nul == std::string_view::npos || nul == space + 1 || nul + 1 + GIT_OID_RAWSZ > tree.size()) return std::nullopt;
    auto end = nul + 1 + GIT_OID_RAWSZ;
    RawTreeEntry e{tree.substr(space + 1, nul - space - 1), {}, mode == "40000"};
    std::memcpy(e.id.id, tree.data() + nul + 1, GIT_OID_RAWSZ);
    out.push_back({at, end, e});
    at = end;
  }
  return out;
}

std::string entry_bytes(const EntryEdit& e) {
  std::string out = (e.directory ? "40000 " : "100644 ") + e.name;
  out.push_back('\0');
  out.append(reinterpret_cast<const char*>(e.id->id), GIT_OID_RAWSZ);
  return out;
}

}  // namespace

std::optional<std::vector<RawTreeEntry>> tree_entries(std::string_view tree) {
  auto located = locate(tree);
  if (!located) return std::nullopt;
  std::vector<RawTreeEntry> out;
  out.reserve(located->size());
  for (const auto& l : *located) out.push_back(l.entry);
  return out;
}

std::optional<EditedTree> edit_tree(std::string_view base, std::vector<EntryEdit> edits) {
  auto entries = locate(base);
  if (!entries) return std::nullopt;
  std::sort(edits.begin(), edits.end(), [](const EntryEdit& a, const EntryEdit& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < edits.size(); ++i)
    if (edits[i].name == edits[i - 1].name) return std::nullopt;
  auto edited = [&](std::string_view name) {
    auto it = std::lower_bound(edits.begin(), edits.end(), name,
                               [](const EntryEdit& e, std::string_view n) { return e.name < n; });
    return it != edits.end() && it->name == name;
  };
  std::vector<const EntryEdit*> added;
  for (const auto& e : edits)
    if (e.id) added.push_back(&e);
  std::sort(added.begin(), added.end(), [](const EntryEdit* a, const EntryEdit* b) {
    return git_before(a->name, a->directory, b->name, b->directory);
  });
  // The old entries kept and the new ones, merged in git's order: runs of
  // kept entries are copied, new ones inserted.
  DeltaBuilder built(base);
  std::size_t run_start = 0, run_end = 0;  // old bytes to copy next
  auto take_run = [&] {
    built.copy(run_start, run_end);
    run_start = run_end;
  };
  std::size_t next = 0;
  for (const auto& old : *entries) {
    if (edited(old.entry.name)) {
      take_run();
      run_start = run_end = old.end;
      continue;
    }
    while (next < added.size() && git_before(added[next]->name, added[next]->directory, old.entry.name, old.entry.directory)) {
      take_run();
      built.insert(entry_bytes(*added[next++]));
    }
    if (run_end != old.start) {
      take_run();
      run_start = old.start;
    }
    run_end = old.end;
  }
  take_run();
  while (next < added.size()) built.insert(entry_bytes(*added[next++]));
  return built.finish();
}

}  // namespace liaison
