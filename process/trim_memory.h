// Memory freed by finished requests, handed back to the system. The server's
// requests run on several threads, each with its own glibc malloc arena, and
// chunks freed between live ones stay in the process unless trimmed, so a
// server's resident memory would creep up while its live heap stays level.
// LIAISON_MALLOC_TRIM=off leaves it to glibc.
#pragma once

namespace liaison::process {

// Calls glibc's malloc_trim (nothing with another C library, or with
// LIAISON_MALLOC_TRIM=off).
void trim_memory();

}  // namespace liaison::process
