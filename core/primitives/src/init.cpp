#include "idos/primitives/init.hpp"

#include <sodium.h>

namespace idos {

Status initialize() {
  // sodium_init returns 0 on first success, 1 if already initialised, -1 on failure.
  if (sodium_init() < 0) return make_error(ErrorCode::internal, "libsodium failed to initialise");
  return ok_status();
}

const char* version() { return IDOS_VERSION; }

}  // namespace idos
