#include "idos/primitives/result.hpp"

namespace idos {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
#define IDOS_ERROR_CODE_CASE(id, NAME, number) \
  case ErrorCode::id: return #NAME;
    IDOS_ERROR_CODES(IDOS_ERROR_CODE_CASE)
#undef IDOS_ERROR_CODE_CASE
  }
  return "INTERNAL";
}

}  // namespace idos
