// A tree with some entries set or removed, made from the raw bytes of the
// tree it edits: the new tree's bytes, and the same as a git delta against
// the old (runs of the old tree copied, the new entries inserted), which is
// all a pack needs to store when a tree differs from another by a few
// entries. Entries keep git's order (a directory's name compares as if it
// ended in '/'), so the bytes are those git or libgit2 would write.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

namespace liaison {

struct EntryEdit {
  std::string name;          // within the tree: no '/'
  std::optional<git_oid> id;  // nullopt: removed
  bool directory = false;    // a tree (mode 40000), else a file (100644)
};

struct EditedTree {
  std::string tree;   // the new tree's bytes (empty: the tree is empty)
  std::string delta;  // the new tree as a delta against the old
};

// The tree `base` (raw tree bytes; "" for the empty tree) with `edits`
// applied (each name once; removing a missing name does nothing); nullopt
// when `base` is not a well-formed tree or a name is edited twice.
std::optional<EditedTree> edit_tree(std::string_view base, std::vector<EntryEdit> edits);

// The entries of a raw tree as (name, id, directory); nullopt when malformed.
struct RawTreeEntry {
  std::string_view name;
  git_oid id;
  bool directory;
};
std::optional<std::vector<RawTreeEntry>> tree_entries(std::string_view tree);

}  // namespace liaison
