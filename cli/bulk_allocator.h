// The allocator for bulk commands. tcmalloc makes an import of 100k records
// a fifth cheaper than glibc's malloc (millions of small JSON nodes made and
// freed), but setting it up touches 4 MB and costs every command 4-5 ms at
// start. So liaison links glibc's malloc, and a bulk command (import,
// export, doctor, merge, and pull from a named copy or bundle, which may
// bring thousands of records: a merge of 2 x 10k changed records takes 1.4 s
// instead of 1.7; a plain `pull` from the server does not) runs
// itself again with tcmalloc preloaded, when the build found tcmalloc and the
// library is still there.
// LIAISON_BULK_ALLOCATOR=off keeps glibc's malloc for every command.
#pragma once

namespace liaison::cli {

// Returns only when the command keeps the allocator it has.
void use_bulk_allocator_for_bulk_commands(int argc, char** argv);

}  // namespace liaison::cli
