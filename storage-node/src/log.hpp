// JSON-lines logging to stderr: one object per line, written whole under a mutex.
//
// What may be logged: event names, routes, status codes, error codes, wallet identifiers, object
// ids, log positions, timings. What must never be: request or response bodies, ciphertext,
// signatures, key material, header values. Callers pass only fields from the first list.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace idos::node {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

void set_log_level(LogLevel level);
bool parse_log_level(std::string_view text, LogLevel& out);
// Writes {"ts": <RFC 3339 with ms>, "level": ..., "event": ..., ...fields}.
void log_event(LogLevel level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

}  // namespace idos::node
