// The PostgreSQL backend of storage.hpp (pg_storage.cpp; docs/node.md "PostgreSQL").
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "storage.hpp"

namespace idos::node {

// Connects to the database `conninfo` names (a libpq connection string or URI, password included
// when it needs one: kept in memory only for reconnecting, wiped on close, never logged), takes the
// database's writer lock (one node per database), applies the schema migrations, and opens
// `read_connections` pooled connections for reads and the replay store.
Result<std::unique_ptr<Storage>> open_postgres_storage(const std::string& conninfo, size_t read_connections);

}  // namespace idos::node
