// Library initialisation: the only global state of the core is libsodium's own.
#pragma once

#include "idos/primitives/result.hpp"

namespace idos {

// Initialises libsodium (idempotent, thread-safe). Every entry point that uses crypto calls it;
// bindings may call it once up front to surface an RNG failure early.
Status initialize();

// The core's version string (the CMake project version).
const char* version();

}  // namespace idos
