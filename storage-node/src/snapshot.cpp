#include "snapshot.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/json_dom.hpp"
#include "log.hpp"
#include "nats_log.hpp"

namespace idos::node {

using nlohmann::json;

namespace {

constexpr const char* kSealedMagic = "idos-sealed-snapshot/v1\n";
constexpr size_t kMaxAuthHeader = 2048;
constexpr size_t kMaxManifestBytes = 4096;

std::string snapshot_associated_data(int64_t position) {
  return "idos-node/v1 snapshot " + std::to_string(position);
}

int64_t wall_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The index of the document column of a table (npos when none).
size_t document_column(const StateTable& t) {
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].kind == ColumnKind::document) return i;
  }
  return std::string::npos;
}

void wipe_string(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace

Result<std::string> export_snapshot(Storage& storage, const NodeKeys& keys, SnapshotSummary* summary) {
  SnapshotBuilder builder;
  const auto& tables = state_tables();
  IDOS_CHECK(storage.read_state([&](size_t t, const SnapshotRow& row) -> Status {
    const size_t doc = document_column(tables[t]);
    if (doc == std::string::npos) return builder.add(t, row);
    // The canonical document, not this node's sealed form (every node seals under its own key).
    SnapshotRow opened = row;
    IDOS_TRY(Bytes plain, keys.open(as_bytes(row[doc].text), credential_associated_data(row[0].text)));
    opened[doc].text.assign(plain.begin(), plain.end());
    sodium_memzero(plain.data(), plain.size());
    return builder.add(t, opened);
  }));
  return builder.finish(summary);
}

Status import_snapshot(Storage& storage, const NodeKeys& keys, std::string_view bytes, SnapshotSummary* summary) {
  IDOS_TRY(SnapshotSummary checked, parse_snapshot(bytes));  // whole, before anything is written
  const auto& tables = state_tables();
  const size_t log_table = state_table_index("log");
  const size_t changes_table = state_table_index("row_changes");
  IDOS_CHECK(storage.write([&](StateWriter& w) -> Status {
    IDOS_CHECK(w.clear_state());
    // The log's chain is checked by the parser; the rows are tied to it here: every position whose
    // rows no later entry changed must have, once imported, the rows digest its log entry recorded
    // (docs/cluster.md "Snapshots"), so a peer cannot serve altered rows under a true log.
    std::vector<std::pair<int64_t, std::string>> digests;  // position, rows_sha256
    std::vector<int64_t> changed_later;
    auto parsed = parse_snapshot(bytes, [&](size_t t, const SnapshotRow& row) -> Status {
      if (t == log_table && !row[6].text.empty()) digests.emplace_back(row[0].integer, row[6].text);
      if (t == changes_table) changed_later.push_back(row[4].integer);
      const size_t doc = document_column(tables[t]);
      if (doc == std::string::npos) return w.insert_state_row(t, row);
      SnapshotRow sealed = row;
      IDOS_TRY(Bytes b, keys.seal(as_bytes(row[doc].text), credential_associated_data(row[0].text)));
      sealed[doc].text.assign(b.begin(), b.end());
      return w.insert_state_row(t, sealed);
    });
    if (!parsed.ok()) return parsed.error();
    std::sort(changed_later.begin(), changed_later.end());
    for (const auto& [position, recorded] : digests) {
      if (std::binary_search(changed_later.begin(), changed_later.end(), position)) continue;
      IDOS_TRY(std::string actual, w.rows_digest(position));
      if (actual != recorded) {
        return make_error(ErrorCode::mismatch, "snapshot: the rows of position " + std::to_string(position) +
                                                   " are not those its log entry recorded");
      }
    }
    return ok_status();
  }));
  if (summary) *summary = checked;
  return ok_status();
}

SnapshotService::SnapshotService(const Plugin& plugin, Storage& storage, const NodeKeys& keys, Ledger& ledger,
                                 std::string data_dir, std::string peers_path, SnapshotLimits limits)
    : plugin_(plugin),
      storage_(storage),
      keys_(keys),
      ledger_(ledger),
      dir_(std::move(data_dir) + "/snapshots"),
      peers_path_(std::move(peers_path)),
      limits_(limits) {}

std::string SnapshotService::path_of(int64_t position, bool agreed) const {
  return dir_ + "/" + (agreed ? "snapshot-" : "pending-") + std::to_string(position) + ".sealed";
}

Status SnapshotService::open() {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(ErrorCode::internal, "cannot create " + dir_ + ": " + std::strerror(errno));
  }
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return make_error(ErrorCode::internal, "cannot read " + dir_);
  std::vector<std::pair<int64_t, bool>> found;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    for (bool agreed : {true, false}) {
      const std::string prefix = agreed ? "snapshot-" : "pending-";
      if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size() + 7 && name.substr(name.size() - 7) == ".sealed") {
        const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 7);
        if (!digits.empty() && digits.size() < 17 && std::all_of(digits.begin(), digits.end(), ::isdigit)) {
          found.emplace_back(std::stoll(digits), agreed);
        }
      }
    }
  }
  ::closedir(d);
  int64_t latest = 0;
  for (const auto& [p, agreed] : found) {
    if (!agreed) ::unlink(path_of(p, false).c_str());  // never agreed: taken again next round
    else latest = std::max(latest, p);
  }
  if (latest > 0) {
    auto bytes = read_sealed(path_of(latest, true), latest);
    if (!bytes.ok()) {
      log_event(LogLevel::warn, "snapshot_unreadable", {{"position", latest}, {"message", bytes.error().message}});
      return ok_status();
    }
    auto summary = parse_snapshot(*bytes);
    if (summary.ok()) {
      std::lock_guard<std::mutex> lock(mutex_);
      agreed_position_ = latest;
      agreed_state_hash_ = summary->state_hash;
    }
    wipe_string(*bytes);
  }
  return ok_status();
}

// Sealed under the at-rest key (XChaCha20-Poly1305, the position as associated data), written to a
// temporary file, fsynced and renamed: a snapshot file is whole or absent, and reading it needs the
// operator's key like node.db.
Status SnapshotService::write_sealed(const std::string& path, int64_t position, const std::string& bytes) const {
  IDOS_TRY(Bytes sealed, keys_.seal(as_bytes(bytes), snapshot_associated_data(position)));
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return make_error(ErrorCode::internal, "cannot write " + tmp + ": " + std::strerror(errno));
  std::string out = kSealedMagic;
  out.append(reinterpret_cast<const char*>(sealed.data()), sealed.size());
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error(ErrorCode::internal, "cannot write " + tmp);
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return make_error(ErrorCode::internal, "cannot write " + path);
  }
  return ok_status();
}

Result<std::string> SnapshotService::read_sealed(const std::string& path, int64_t position) const {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return make_error(ErrorCode::not_found, "no snapshot file " + path);
  std::string data;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      ::close(fd);
      return make_error(ErrorCode::internal, "cannot read " + path);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > limits_.max_bytes + 1024) {
      ::close(fd);
      return make_error(ErrorCode::too_large, path + " is over the snapshot limit");
    }
  }
  ::close(fd);
  const std::string magic = kSealedMagic;
  if (data.compare(0, magic.size(), magic) != 0) return make_error(ErrorCode::unsupported, path + ": not a sealed snapshot");
  IDOS_TRY(Bytes plain, keys_.open(as_bytes(std::string_view(data).substr(magic.size())), snapshot_associated_data(position)));
  std::string out(plain.begin(), plain.end());
  sodium_memzero(plain.data(), plain.size());
  return out;
}

void SnapshotService::remove_older_than(int64_t position) {
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return;
  std::vector<std::string> doomed;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    for (const std::string prefix : {"snapshot-", "pending-"}) {
      if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() + 7) continue;
      const std::string digits = name.substr(prefix.size(), name.find('.') - prefix.size());
      if (digits.empty() || digits.size() > 16 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
      if (std::stoll(digits) < position) doomed.push_back(dir_ + "/" + name);
    }
  }
  ::closedir(d);
  // An older snapshot holds content deleted since: it goes once a newer one is agreed.
  for (const auto& p : doomed) ::unlink(p.c_str());
}

SnapshotService::Agreement SnapshotService::check_agreement(int64_t position, const std::string& state_hash,
                                                            const std::string& skip_node_id) const {
  Agreement a;
  auto peers = peers_path_.empty() ? Result<std::vector<Peer>>(std::vector<Peer>{})
                                   : load_peers(peers_path_, keys_.node_id());
  if (!peers.ok()) {
    a.problem = peers.error().message;
    return a;
  }
  size_t asked = 0;
  for (const Peer& peer : *peers) {
    if (peer.node_id == skip_node_id) continue;
    ++asked;
    httplib::Client client(peer.url);
    client.set_connection_timeout(1, 0);
    client.set_read_timeout(2, 0);
    auto res = client.Get("/v1/log/" + std::to_string(position));
    if (res && res->status == 200) {
      auto doc = parse_json(res->body, JsonLimits{4096, 4});
      auto row = doc.ok() ? verify_log_entry(plugin_, *doc, peer.node_id) : Result<LogRow>(doc.error());
      if (!row.ok() || row->position != position) continue;  // not a usable answer: as if none
      if (row->state_hash != state_hash) {
        a.problem = "peer " + peer.node_id.substr(0, 16) + " signed another state hash at " + std::to_string(position);
        a.agreed = false;
        a.disagreed = true;
        return a;
      }
      ++a.signers;
    } else if (res && res->status == 404) {
      // Alive and behind: how far (its /health), so the purge never passes it.
      auto health = client.Get("/health");
      if (health) {
        auto doc = parse_json(health->body, JsonLimits{64 << 10, 8});
        if (doc.ok() && doc->is_object() && doc->contains("log_position") && (*doc)["log_position"].is_number_integer()) {
          const int64_t p = (*doc)["log_position"].get<int64_t>();
          a.slowest_live = a.slowest_live ? std::min(*a.slowest_live, p) : p;
        }
      }
    }
  }
  a.agreed = a.signers >= 1 || asked == 0;
  if (!a.agreed) a.problem = "no peer has signed position " + std::to_string(position) + " yet";
  return a;
}

Result<json> SnapshotService::manifest_for(int64_t position, const std::string& bytes, const std::string& state_hash) const {
  json m{{"node_id", keys_.node_id()},
         {"position", position},
         {"state_hash", state_hash},
         {"content_sha256", hex_encode(sha256(as_bytes(bytes)))},
         {"size", static_cast<int64_t>(bytes.size())}};
  // The bytes signed come from the plugin (core/protocol's node_snapshot message).
  IDOS_TRY(std::string message, plugin_.signed_message("node_snapshot", m.dump()));
  IDOS_TRY(std::string signature, keys_.sign_hex(message));
  m["signature"] = signature;
  return m;
}

int64_t SnapshotService::run_round(NatsLog* log, int agreement_tries) {
  take_and_agree(agreement_tries);
  if (log != nullptr) purge(*log);
  std::lock_guard<std::mutex> lock(mutex_);
  return agreed_position_;
}

void SnapshotService::take_and_agree(int agreement_tries) {
  const int64_t applied = ledger_.last_position();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (applied <= 0 || applied <= agreed_position_) return;  // nothing new since the last agreed snapshot
  }
  SnapshotSummary summary;
  auto bytes = export_snapshot(storage_, keys_, &summary);
  if (!bytes.ok()) {
    log_event(LogLevel::error, "snapshot_failed", {{"message", bytes.error().message}});
    std::lock_guard<std::mutex> lock(mutex_);
    last_problem_ = bytes.error().message;
    return;
  }
  const int64_t position = summary.position;
  if (auto st = write_sealed(path_of(position, false), position, *bytes); !st.ok()) {
    log_event(LogLevel::error, "snapshot_failed", {{"message", st.error().message}});
    wipe_string(*bytes);
    return;
  }
  const size_t size = bytes->size();
  wipe_string(*bytes);
  Agreement a;
  for (int i = 0; i < std::max(1, agreement_tries); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
    a = check_agreement(position, summary.state_hash, "");
    if (a.agreed || a.disagreed) break;
  }
  if (!a.agreed) {
    ::unlink(path_of(position, false).c_str());
    log_event(a.disagreed ? LogLevel::error : LogLevel::warn, "snapshot_not_agreed",
              {{"position", position}, {"message", a.problem}});
    std::lock_guard<std::mutex> lock(mutex_);
    last_problem_ = a.problem;
    return;
  }
  if (::rename(path_of(position, false).c_str(), path_of(position, true).c_str()) != 0) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    agreed_position_ = position;
    agreed_state_hash_ = summary.state_hash;
    last_problem_.clear();
  }
  remove_older_than(position);
  log_event(LogLevel::info, "snapshot_agreed",
            {{"position", position}, {"state_hash", summary.state_hash}, {"signers", a.signers + 1}, {"bytes", size}});
}

// Below the latest agreed snapshot P: keep P + 1 and later, or less when a peer that answers is
// behind P (it still reads the stream). Asked again every round, so a purge held back by a
// lagging peer goes on once it has caught up, with or without new writes.
void SnapshotService::purge(NatsLog& log) {
  int64_t position = 0;
  std::string state_hash;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    position = agreed_position_;
    state_hash = agreed_state_hash_;
  }
  if (position <= 0) return;
  auto first = log.first_sequence();
  if (!first.ok()) {
    log_event(LogLevel::warn, "purge_skipped", {{"message", first.error().message}});
    return;
  }
  if (*first > position) return;  // purged up to this snapshot already
  const Agreement a = check_agreement(position, state_hash, "");
  if (!a.agreed) return;
  int64_t keep_from = position + 1;
  if (a.slowest_live) keep_from = std::min(keep_from, *a.slowest_live + 1);
  if (keep_from <= *first) return;
  if (auto st = log.purge_below(keep_from); !st.ok()) {
    log_event(LogLevel::warn, "purge_failed", {{"keep_from", keep_from}, {"message", st.error().message}});
    return;
  }
  log_event(LogLevel::info, "log_purged", {{"keep_from", keep_from}, {"snapshot", position},
                                           {"held_back_by_peer", a.slowest_live ? json(*a.slowest_live) : json(nullptr)}});
  std::lock_guard<std::mutex> lock(mutex_);
  last_purge_below_ = keep_from;
}

Status SnapshotService::authorize(const std::string& header_value, int64_t position, int64_t now) const {
  auto refuse = [](const std::string& m) { return make_error(ErrorCode::forbidden, m); };
  if (header_value.empty()) return refuse(std::string("snapshots are served to permitted nodes only: ") + kNodeAuthHeader + " missing");
  if (header_value.size() > kMaxAuthHeader) return make_error(ErrorCode::too_large, std::string(kNodeAuthHeader) + " too long");
  IDOS_TRY(Bytes decoded, base64_decode(header_value, kMaxAuthHeader));
  const std::string text(decoded.begin(), decoded.end());
  IDOS_TRY(json doc, parse_json(text, JsonLimits{kMaxAuthHeader, 2}));
  IDOS_TRY(std::string node_id, get_string_field(doc, "node_id", 64));
  IDOS_TRY(std::string server_id, get_string_field(doc, "server_id", 64));
  IDOS_TRY(int64_t asked, get_int_field(doc, "position", 0, (int64_t{1} << 53) - 1));
  if (server_id != keys_.node_id()) return refuse("the request names another node");
  if (asked != position) return refuse("the request names another position");
  if (peers_path_.empty()) return refuse("this node has no peers file: it serves no snapshot");
  IDOS_TRY(auto peers, load_peers(peers_path_, keys_.node_id()));
  const bool permitted = std::any_of(peers.begin(), peers.end(), [&](const Peer& p) { return p.node_id == node_id; });
  if (!permitted) return refuse("node " + node_id + " is not in this node's peers file");
  // Signature and freshness: the core's verdict (node_snapshot_request).
  return plugin_.validate("node_snapshot_request", text, now, false);
}

Result<json> SnapshotService::latest_manifest() const {
  int64_t position = 0;
  std::string hash;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    position = agreed_position_;
    hash = agreed_state_hash_;
  }
  if (position == 0) return make_error(ErrorCode::not_found, "this node holds no agreed snapshot yet");
  IDOS_TRY(std::string bytes, read_sealed(path_of(position, true), position));
  auto m = manifest_for(position, bytes, hash);
  wipe_string(bytes);
  return m;
}

Result<std::string> SnapshotService::snapshot_bytes(int64_t position) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (position != agreed_position_ || position == 0) {
      return make_error(ErrorCode::not_found, "no agreed snapshot at " + std::to_string(position) +
                                                  " here (the latest is " + std::to_string(agreed_position_) + ")");
    }
  }
  return read_sealed(path_of(position, true), position);
}

Status SnapshotService::bootstrap(int64_t min_position) {
  if (peers_path_.empty()) return make_error(ErrorCode::unavailable, "no peers file: no node to fetch a snapshot from");
  IDOS_TRY(auto peers, load_peers(peers_path_, keys_.node_id()));
  if (peers.empty()) return make_error(ErrorCode::unavailable, "the peers file lists no other node");
  auto auth = [&](const Peer& peer, int64_t position) -> Result<std::string> {
    json r{{"node_id", keys_.node_id()}, {"server_id", peer.node_id}, {"position", position}, {"issued_at", wall_now()}};
    IDOS_TRY(std::string message, plugin_.signed_message("node_snapshot_request", r.dump()));
    IDOS_TRY(std::string signature, keys_.sign_hex(message));
    r["signature"] = signature;
    return base64_encode(as_bytes(r.dump()));
  };
  std::vector<std::string> problems;
  for (const Peer& peer : peers) {
    auto attempt = [&]() -> Status {
      httplib::Client client(peer.url);
      client.set_connection_timeout(2, 0);
      client.set_read_timeout(10, 0);
      IDOS_TRY(std::string h0, auth(peer, 0));
      auto res = client.Get("/v1/snapshot", httplib::Headers{{kNodeAuthHeader, h0}});
      if (!res) return make_error(ErrorCode::unavailable, "no answer");
      if (res->status != 200) return make_error(ErrorCode::unavailable, "manifest: HTTP " + std::to_string(res->status));
      if (res->body.size() > kMaxManifestBytes) return make_error(ErrorCode::too_large, "manifest too large");
      IDOS_TRY(json m, parse_json(res->body, JsonLimits{kMaxManifestBytes, 2}));
      IDOS_TRY(std::string node_id, get_string_field(m, "node_id", 64));
      if (node_id != peer.node_id) return make_error(ErrorCode::mismatch, "manifest signed by another node");
      // The core's verdict on the manifest: members and the serving node's signature.
      IDOS_CHECK(plugin_.validate("node_snapshot", res->body, 0, false));
      IDOS_TRY(int64_t position, get_int_field(m, "position", 1, (int64_t{1} << 53) - 1));
      IDOS_TRY(std::string state_hash, get_string_field(m, "state_hash", 64));
      IDOS_TRY(std::string content_sha256, get_string_field(m, "content_sha256", 64));
      IDOS_TRY(int64_t size, get_int_field(m, "size", 1, (int64_t{1} << 53) - 1));
      if (position < min_position) {
        return make_error(ErrorCode::not_found, "its snapshot ends at " + std::to_string(position) + ", before " +
                                                    std::to_string(min_position));
      }
      if (static_cast<size_t>(size) > limits_.max_bytes) return make_error(ErrorCode::too_large, "snapshot over the limit");
      // The state hash at P must be the one the other peers signed (at least one of them, when
      // there are others; none may differ).
      Agreement a = check_agreement(position, state_hash, peer.node_id);
      if (!a.agreed && peers.size() > 1) {
        return make_error(ErrorCode::mismatch, "the peers do not confirm its state hash: " + a.problem);
      }
      // The bytes: bounded in size and time.
      IDOS_TRY(std::string h1, auth(peer, position));
      std::string body;
      bool too_big = false, too_slow = false;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits_.download_seconds);
      client.set_read_timeout(30, 0);
      auto got = client.Get(
          "/v1/snapshot/" + std::to_string(position), httplib::Headers{{kNodeAuthHeader, h1}},
          [&](const httplib::Response& r) { return r.status == 200; },
          [&](const char* data, size_t n) {
            if (body.size() + n > static_cast<size_t>(size)) {
              too_big = true;
              return false;
            }
            if (std::chrono::steady_clock::now() > deadline) {
              too_slow = true;
              return false;
            }
            body.append(data, n);
            return true;
          });
      if (too_big) return make_error(ErrorCode::too_large, "the snapshot is larger than its manifest says");
      if (too_slow) return make_error(ErrorCode::unavailable, "the download took longer than " + std::to_string(limits_.download_seconds) + " s");
      if (!got || got->status != 200) return make_error(ErrorCode::unavailable, "snapshot download failed");
      if (static_cast<int64_t>(body.size()) != size || hex_encode(sha256(as_bytes(body))) != content_sha256) {
        wipe_string(body);
        return make_error(ErrorCode::mismatch, "the snapshot's bytes are not those of its manifest");
      }
      SnapshotSummary summary;
      IDOS_TRY(SnapshotSummary checked, parse_snapshot(body));
      if (checked.position != position || checked.state_hash != state_hash) {
        wipe_string(body);
        return make_error(ErrorCode::mismatch, "the snapshot's position or state hash is not its manifest's");
      }
      Status imported = import_snapshot(storage_, keys_, body, &summary);
      if (imported.ok()) imported = ledger_.open();  // the ledger reads its position again
      if (imported.ok()) imported = write_sealed(path_of(position, true), position, body);
      wipe_string(body);
      IDOS_CHECK(imported);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        agreed_position_ = position;
        agreed_state_hash_ = state_hash;
      }
      remove_older_than(position);
      log_event(LogLevel::info, "bootstrapped", {{"from", peer.node_id}, {"position", position}, {"state_hash", state_hash},
                                                 {"bytes", size}, {"confirmations", a.signers}});
      return ok_status();
    };
    Status st = attempt();
    if (st.ok()) return ok_status();
    log_event(LogLevel::warn, "bootstrap_peer_refused", {{"peer", peer.node_id}, {"url", peer.url}, {"message", st.error().message}});
    problems.push_back(peer.url + ": " + st.error().message);
  }
  std::string all;
  for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
  return make_error(ErrorCode::unavailable, "no peer gave a usable snapshot (" + all + ")");
}

json SnapshotService::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return json{{"agreed_position", agreed_position_},
              {"state_hash", agreed_state_hash_.empty() ? json(nullptr) : json(agreed_state_hash_)},
              {"purged_below", last_purge_below_},
              {"problem", last_problem_.empty() ? json(nullptr) : json(last_problem_)}};
}

}  // namespace idos::node
