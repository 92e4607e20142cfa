// An ASCII drawing of the commit graph beside `liaison log --graph`, in the
// style of git: one column per line of descent, '*' for the commit, "|\"
// where a merge opens a column and "|/" where two columns meet again.
#pragma once

#include <string>
#include <vector>

#include "git/history.h"

namespace liaison::cli {

// `commits` newest first in topological order; `label` gives the text
// printed after each commit's graph cell.
std::string draw_graph(const std::vector<CommitInfo>& commits, const std::vector<std::string>& labels);

}  // namespace liaison::cli
