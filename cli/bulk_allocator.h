// The allocator for bulk commands. tcmalloc makes commands that build and
// free millions of small JSON nodes markedly cheaper, but setting it up costs
// every command time at start. So liaison links glibc's malloc, and a bulk
// command (kBulk or kBulkWithArgument in its row of main.cc's table) runs
// itself again with tcmalloc preloaded, when the build found tcmalloc and the
// library is still there; that run has LIAISON_BULK_ALLOCATOR=tcmalloc in its
// environment. LIAISON_BULK_ALLOCATOR=off keeps glibc's malloc for every
// command.
#pragma once

namespace liaison::cli {

// For a bulk command (cli/commands.h, is_bulk): runs `argv` again with
// tcmalloc preloaded. Returns only when the command keeps the allocator it
// has: already run again, LIAISON_BULK_ALLOCATOR set, no tcmalloc.
void use_bulk_allocator(char** argv);

}  // namespace liaison::cli
