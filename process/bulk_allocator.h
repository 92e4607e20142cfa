// tcmalloc for bulk commands. Commands that build and free millions of small
// JSON nodes (import, export, doctor, merge) spend much of their time in
// glibc's malloc; tcmalloc's set-up would cost every other command more than
// it gains, so liaison links glibc's malloc and a bulk command runs itself
// again with tcmalloc preloaded. LIAISON_BULK_ALLOCATOR=off keeps glibc's
// malloc for every command.
#pragma once

namespace liaison::process {

// Runs `argv` again with tcmalloc preloaded, when the build found tcmalloc
// and the library is still there; that run has LIAISON_BULK_ALLOCATOR set.
// Returns only when the process keeps glibc's malloc.
void use_bulk_allocator(char** argv);

}  // namespace liaison::process
