// The largest single allocation made through operator new since the probe
// was reset, so tests can check that decoding hostile input allocates no
// more than its bytes justify. The unit-test binary replaces the global
// operator new and delete (allocation_probe.cc) with ones that forward to
// malloc and free and keep that figure.
#pragma once

#include <cstddef>

namespace liaison::testing_probe {

void reset_largest_allocation();
std::size_t largest_allocation();

}  // namespace liaison::testing_probe
