#include "nats_log.hpp"

#include <nats/nats.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "idos/primitives/encoding.hpp"
#include "idos/primitives/hash.hpp"
#include "idos/primitives/json_dom.hpp"
#include "log.hpp"
#include "signed_request.hpp"

namespace idos::node {

using nlohmann::json;

namespace {

constexpr int kFetchBatch = 256;
constexpr int64_t kFetchWaitMs = 500;
constexpr int64_t kPublishWaitMs = 5000;
constexpr auto kApplyWait = std::chrono::seconds(15);
constexpr size_t kOutcomesKept = 4096;

Error nats_error(const std::string& what, natsStatus s, jsErrCode jerr = static_cast<jsErrCode>(0)) {
  std::string message = what + ": " + natsStatus_GetText(s);
  if (jerr != 0) message += " (JetStream error " + std::to_string(static_cast<int>(jerr)) + ")";
  return make_error(ErrorCode::unavailable, message);
}

// A node's NATS user. Either a NATS .creds file (user JWT and nkey seed, from nsc) or the form
// scripts/cluster writes: "user = NAME" and "password = SECRET" lines (docs/cluster.md).
struct NatsCredentials {
  bool jwt_file = false;
  std::string user;
  struct Password {
    std::string text;
    const std::string& expose_text() const { return text; }
    ~Password() { sodium_memzero(text.data(), text.size()); }
  } password;
};

Result<NatsCredentials> read_credentials(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::invalid_input, "cannot read NATS credentials " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  NatsCredentials out;
  if (text.size() > 16384) return make_error(ErrorCode::too_large, "NATS credentials " + path + ": over 16 KiB");
  if (text.find("-----BEGIN NATS USER JWT-----") != std::string::npos) {
    out.jwt_file = true;
    sodium_memzero(text.data(), text.size());
    return out;
  }
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string v) {
      const size_t a = v.find_first_not_of(" \t\r"), b = v.find_last_not_of(" \t\r");
      return a == std::string::npos ? std::string() : v.substr(a, b - a + 1);
    };
    const std::string key = trim(line.substr(0, eq));
    if (key == "user") out.user = trim(line.substr(eq + 1));
    if (key == "password") out.password.text = trim(line.substr(eq + 1));
  }
  sodium_memzero(text.data(), text.size());
  if (out.user.empty() || out.password.text.empty()) {
    return make_error(ErrorCode::invalid_input, "NATS credentials " + path + ": expected a .creds file or 'user = ...' and 'password = ...' lines");
  }
  return out;
}

// A transaction as the log carries it (Transaction::serialize), read back strictly.
Result<Transaction> parse_transaction(std::string_view text, int64_t max_bytes) {
  IDOS_TRY(json doc, parse_json(text, JsonLimits{static_cast<size_t>(max_bytes), 40}));
  Transaction tx;
  IDOS_TRY(tx.operation, get_string_field(doc, "operation", 64));
  IDOS_TRY(const json* actor, get_object_field(doc, "actor"));
  IDOS_TRY(tx.actor_wallet, get_string_field(*actor, "wallet", 256));
  IDOS_TRY(tx.actor_wallet_type, get_string_field(*actor, "wallet_type", 32));
  IDOS_TRY(tx.actor_public_key, get_string_field(*actor, "public_key", 256));
  IDOS_TRY(const json* payload, get_object_field(doc, "payload"));
  tx.payload = *payload;
  IDOS_TRY(const json* request, get_object_field(doc, "request"));
  IDOS_TRY(tx.signed_request, get_string_field(*request, "signed_request", kMaxSignedRequestHeader));
  IDOS_TRY(tx.body, get_string_field(*request, "body", static_cast<size_t>(max_bytes)));
  return tx;
}

}  // namespace

struct NatsLog::Impl {
  NatsSettings settings;
  Ledger& ledger;
  Storage& storage;
  const Plugin& plugin;
  std::string subject;
  std::string durable;
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  natsSubscription* sub = nullptr;
  std::thread consumer;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable applied_cv;
  std::map<int64_t, Result<ApplyOutcome>> outcomes;  // recent positions' outcomes, for the edge

  Impl(const NatsSettings& s, Ledger& l, Storage& st, const Plugin& p) : settings(s), ledger(l), storage(st), plugin(p) {}

  Status connect() {
    natsOptions* opts = nullptr;
    if (natsOptions_Create(&opts) != NATS_OK) return make_error(ErrorCode::internal, "nats: options");
    std::vector<const char*> urls;
    for (const auto& u : settings.urls) urls.push_back(u.c_str());
    natsStatus s = natsOptions_SetServers(opts, urls.data(), static_cast<int>(urls.size()));
    if (s == NATS_OK && !settings.creds_path.empty()) {
      auto creds = read_credentials(settings.creds_path);
      if (!creds.ok()) {
        natsOptions_Destroy(opts);
        return creds.error();
      }
      if (creds->jwt_file) {
        s = natsOptions_SetUserCredentialsFromFiles(opts, settings.creds_path.c_str(), nullptr);
      } else {
        s = natsOptions_SetUserInfo(opts, creds->user.c_str(), creds->password.expose_text().c_str());
      }
    }
    if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);  // forever: a node outlives NATS outages
    if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 250);
    if (s == NATS_OK) s = natsOptions_SetTimeout(opts, 2000);
    if (s == NATS_OK) s = natsOptions_SetName(opts, ("idos-node " + settings.node_id.substr(0, 16)).c_str());
    if (s == NATS_OK) s = natsConnection_Connect(&nc, opts);
    natsOptions_Destroy(opts);
    if (s != NATS_OK) return nats_error("nats: connect", s);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = kPublishWaitMs;
    if ((s = natsConnection_JetStream(&js, nc, &jo)) != NATS_OK) return nats_error("nats: JetStream context", s);
    return ok_status();
  }

  Status ensure_stream() {
    jsStreamInfo* si = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&si, js, settings.stream.c_str(), nullptr, &jerr);
    if (s == NATS_OK) {
      jsStreamInfo_Destroy(si);
      return ok_status();
    }
    if (jerr != JSStreamNotFoundErr && s != NATS_NOT_FOUND) return nats_error("nats: stream info", s, jerr);
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char* subjects[] = {subject.c_str()};
    cfg.Name = settings.stream.c_str();
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = settings.replicas;
    cfg.MaxMsgSize = static_cast<int32_t>(settings.max_entry_bytes);
    cfg.Duplicates = int64_t{120} * 1000 * 1000 * 1000;  // 2 min of Nats-Msg-Id de-duplication (ns)
    jerr = static_cast<jsErrCode>(0);
    s = js_AddStream(&si, js, &cfg, nullptr, &jerr);
    if (s != NATS_OK) return nats_error("nats: create stream " + settings.stream, s, jerr);
    jsStreamInfo_Destroy(si);
    log_event(LogLevel::info, "stream_created", {{"stream", settings.stream}, {"replicas", settings.replicas}});
    return ok_status();
  }

  // The node's durable consumer, started after the last entry this node applied (its SQLite is
  // the truth: a node restored from a backup re-reads what it lacks).
  Status subscribe() {
    if (sub) {
      natsSubscription_Destroy(sub);
      sub = nullptr;
    }
    IDOS_CHECK(catch_up_from_snapshot());
    jsErrCode jerr = static_cast<jsErrCode>(0);
    (void)js_DeleteConsumer(js, settings.stream.c_str(), durable.c_str(), nullptr, &jerr);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = settings.stream.c_str();  // no stream lookup by subject
    so.Config.Durable = durable.c_str();
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = static_cast<uint64_t>(ledger.last_position() + 1);
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.MaxAckPending = 4 * kFetchBatch;
    jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_PullSubscribe(&sub, js, subject.c_str(), durable.c_str(), nullptr, &so, &jerr);
    if (s != NATS_OK) {
      sub = nullptr;
      return nats_error("nats: consumer " + durable, s, jerr);
    }
    return ok_status();
  }

  // One fetched batch: every new entry applied in ONE storage transaction (one fsync), then
  // acknowledged; the edge's waiters are woken with each entry's outcome.
  void apply_batch(natsMsgList& list) {
    std::vector<Transaction> txs;
    std::vector<Ledger::Entry> entries;
    std::vector<natsMsg*> to_ack;
    txs.reserve(static_cast<size_t>(list.Count));
    const int64_t last = ledger.last_position();
    for (int i = 0; i < list.Count; ++i) {
      natsMsg* msg = list.Msgs[i];
      jsMsgMetaData* meta = nullptr;
      if (natsMsg_GetMetaData(&meta, msg) != NATS_OK) continue;  // not a JetStream message: not ours
      const auto position = static_cast<int64_t>(meta->Sequence.Stream);
      const int64_t log_time = meta->Timestamp / 1000000000;
      jsMsgMetaData_Destroy(meta);
      to_ack.push_back(msg);
      if (position <= last || (!entries.empty() && position <= entries.back().position)) continue;  // redelivered
      const int64_t expected = entries.empty() ? last + 1 : entries.back().position + 1;
      if (position != expected) {
        // A hole: the stream was purged past this node's position (the consumer starts at the first
        // entry left). Never apply across it: resubscribe, which bootstraps from a snapshot.
        log_event(LogLevel::warn, "log_gap", {{"expected", expected}, {"got", position}});
        throw_away_subscription = true;
        break;
      }
      const std::string_view text(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
      auto tx = parse_transaction(text, settings.max_entry_bytes);
      // An entry no node can read is still an entry: apply() refuses it (no signed request) at its
      // position, the same way on every node.
      if (tx.ok()) {
        txs.push_back(std::move(*tx));
      } else {
        Transaction unreadable;
        unreadable.operation = "unreadable";
        txs.push_back(std::move(unreadable));
      }
      entries.push_back(Ledger::Entry{nullptr, position, log_time});
    }
    for (size_t i = 0; i < entries.size(); ++i) entries[i].tx = &txs[i];
    if (!entries.empty()) {
      const auto started = std::chrono::steady_clock::now();
      auto results = ledger.apply_batch(entries);
      log_event(LogLevel::debug, "applied_batch",
                {{"first", entries.front().position}, {"entries", entries.size()},
                 {"ms", std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count() / 1000.0}});
      if (!results.ok()) {
        // Storage failure: nothing applied, nothing acknowledged; the entries come again after a resubscribe.
        log_event(LogLevel::error, "apply_failed", {{"position", entries.front().position}, {"message", results.error().message}});
        throw_away_subscription = true;
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      for (size_t i = 0; i < entries.size(); ++i) outcomes.insert_or_assign(entries[i].position, std::move((*results)[i]));
      while (outcomes.size() > kOutcomesKept) outcomes.erase(outcomes.begin());
    }
    for (natsMsg* msg : to_ack) natsMsg_Ack(msg, nullptr);
    applied_cv.notify_all();
  }

  bool throw_away_subscription = false;

  // Follow state for /health (under mutex).
  std::string follow_state = "following";
  std::string follow_message;
  int64_t stream_first = 0;

  void set_follow(const std::string& state, const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex);
    follow_state = state;
    follow_message = message;
  }

  Result<int64_t> first_sequence() {
    jsStreamInfo* si = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&si, js, settings.stream.c_str(), nullptr, &jerr);
    if (s != NATS_OK) return nats_error("nats: stream info", s, jerr);
    const auto first = static_cast<int64_t>(si->State.FirstSeq);
    const auto last = static_cast<int64_t>(si->State.LastSeq);
    jsStreamInfo_Destroy(si);
    // An empty stream (all purged) reports first = last + 1.
    const int64_t out = first == 0 ? last + 1 : first;
    std::lock_guard<std::mutex> lock(mutex);
    stream_first = out;
    return out;
  }

  // The stream must still hold the entry after our last one; if it was purged below a snapshot,
  // the state comes from a peer's snapshot first (docs/cluster.md "Bootstrap").
  Status catch_up_from_snapshot() {
    IDOS_TRY(int64_t first, first_sequence());
    const int64_t next = ledger.last_position() + 1;
    if (next >= first) {
      set_follow("following", "");
      return ok_status();
    }
    const std::string why = "the stream starts at " + std::to_string(first) + " but this node needs entry " +
                            std::to_string(next) + " (purged below a snapshot)";
    if (!settings.bootstrap) {
      set_follow("failed", why + "; no snapshot source configured (--peers)");
      return make_error(ErrorCode::unavailable, why);
    }
    set_follow("needed", why);
    log_event(LogLevel::warn, "bootstrap_needed", {{"last_position", next - 1}, {"stream_first", first}});
    Status st = settings.bootstrap(first);
    if (!st.ok()) {
      set_follow("failed", why + "; bootstrap failed: " + st.error().message);
      log_event(LogLevel::error, "bootstrap_failed", {{"message", st.error().message}});
      return make_error(ErrorCode::unavailable, "bootstrap failed: " + st.error().message);
    }
    if (ledger.last_position() + 1 < first) {
      set_follow("failed", why + "; the snapshot found ends before the stream's first entry");
      return make_error(ErrorCode::unavailable, "the snapshot found ends before the stream's first entry");
    }
    set_follow("following", "");
    return ok_status();
  }

  void consume() {
    while (!stopping.load()) {
      if (!sub || throw_away_subscription) {
        throw_away_subscription = false;
        if (auto st = subscribe(); !st.ok()) {
          log_event(LogLevel::warn, "log_consumer_waiting", {{"message", st.error().message}});
          bool failed = false;
          {
            std::lock_guard<std::mutex> lock(mutex);
            failed = follow_state == "failed";
          }
          // A failed bootstrap is tried again every 5 s (each try asks every peer).
          for (int i = 0; i < (failed ? 10 : 1) && !stopping.load(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
          }
          continue;
        }
      }
      natsMsgList list{};
      jsErrCode jerr = static_cast<jsErrCode>(0);
      natsStatus s = natsSubscription_Fetch(&list, sub, kFetchBatch, kFetchWaitMs, &jerr);
      if (s == NATS_OK) {
        apply_batch(list);
        natsMsgList_Destroy(&list);
      } else if (s != NATS_TIMEOUT) {
        natsMsgList_Destroy(&list);
        // The consumer may be gone (e.g. a NATS server lost with it): recreate it after a pause.
        if (s == NATS_NOT_FOUND || jerr == JSConsumerNotFoundErr) throw_away_subscription = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
  }
};

NatsLog::NatsLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

NatsLog::~NatsLog() { stop(); }

void NatsLog::stop() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  if (impl_->consumer.joinable()) impl_->consumer.join();
  if (impl_->sub) natsSubscription_Destroy(impl_->sub);
  if (impl_->js) jsCtx_Destroy(impl_->js);
  if (impl_->nc) {
    natsConnection_Close(impl_->nc);
    natsConnection_Destroy(impl_->nc);
  }
  impl_->sub = nullptr;
  impl_->js = nullptr;
  impl_->nc = nullptr;
}

Result<std::unique_ptr<NatsLog>> NatsLog::start(const NatsSettings& settings, Ledger& ledger, Storage& storage,
                                               const Plugin& plugin) {
  if (!settings.creds_path.empty()) {
    struct stat st {};
    if (::stat(settings.creds_path.c_str(), &st) != 0) {
      return make_error(ErrorCode::invalid_input, "cannot read NATS credentials " + settings.creds_path);
    }
    if ((st.st_mode & 077) != 0) {
      return make_error(ErrorCode::forbidden, "NATS credentials " + settings.creds_path + " must not be readable by group or others (chmod 600)");
    }
  }
  static const natsStatus opened = nats_Open(-1);
  if (opened != NATS_OK) return nats_error("nats: library", opened);
  auto impl = std::make_unique<Impl>(settings, ledger, storage, plugin);
  impl->subject = settings.stream + ".tx";
  impl->durable = "node_" + settings.node_id.substr(0, 16);
  IDOS_CHECK(impl->connect());
  // A cluster that just started may not have elected its JetStream leader yet: retry for 30 s.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    Status st = impl->ensure_stream();
    // The consumer is made on the consumer thread (subscribe()), which may first have to bootstrap
    // from a peer's snapshot: a node that cannot is up and says so in /health.
    if (st.ok()) break;
    if (st.code() != ErrorCode::unavailable || std::chrono::steady_clock::now() > deadline) return st.error();
    log_event(LogLevel::warn, "log_not_ready", {{"message", st.error().message}});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::unique_ptr<NatsLog> log(new NatsLog(std::move(impl)));
  Impl* raw = log->impl_.get();
  raw->consumer = std::thread([raw] { raw->consume(); });
  return log;
}

int64_t NatsLog::applied_position() const { return impl_->ledger.last_position(); }

bool NatsLog::writable() const {
  return impl_->nc != nullptr && natsConnection_Status(impl_->nc) == NATS_CONN_STATUS_CONNECTED;
}

bool NatsLog::wait_applied(int64_t position, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  return impl_->applied_cv.wait_for(lock, timeout, [&] { return impl_->ledger.last_position() >= position; });
}

Result<ApplyOutcome> NatsLog::append(const Transaction& tx, int64_t) {
  IDOS_TRY(std::string text, tx.serialize());
  if (static_cast<int64_t>(text.size()) > impl_->settings.max_entry_bytes) {
    return make_error(ErrorCode::too_large, "the transaction is larger than the log's entry limit");
  }
  const std::string id = hex_encode(sha256(as_bytes(text)));
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = id.c_str();
  po.MaxWait = kPublishWaitMs;
  jsPubAck* ack = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_Publish(&ack, impl_->js, impl_->subject.c_str(), text.data(), static_cast<int>(text.size()), &po, &jerr);
  if (s != NATS_OK) {
    log_event(LogLevel::warn, "log_unavailable", {{"operation", tx.operation}, {"message", natsStatus_GetText(s)}});
    return make_error(ErrorCode::unavailable, "the replicated log cannot take writes now (no NATS JetStream quorum); retry");
  }
  const auto position = static_cast<int64_t>(ack->Sequence);
  jsPubAck_Destroy(ack);
  {
    std::unique_lock<std::mutex> lock(impl_->mutex);
    // Applied, with its outcome kept here; or applied before the kept window (a de-duplicated
    // publish of an old entry: looked up below). The ledger advances before the outcomes are kept.
    auto& kept = impl_->outcomes;
    const bool applied = impl_->applied_cv.wait_for(lock, kApplyWait, [&] {
      return kept.count(position) > 0 || impl_->stopping.load() ||
             (impl_->ledger.last_position() >= position && (kept.empty() || position < kept.begin()->first));
    });
    if (!applied || impl_->ledger.last_position() < position) {
      return make_error(ErrorCode::unavailable, "the log holds this write at position " + std::to_string(position) +
                                                    " but this node has not applied it yet; retry the same request");
    }
    if (auto it = impl_->outcomes.find(position); it != impl_->outcomes.end()) return it->second;
  }
  // Applied long ago (a de-duplicated publish of an old entry): the recorded outcome of its request.
  IDOS_TRY(SignedRequest request, decode_signed_request(tx.signed_request));
  IDOS_TRY(auto key, impl_->plugin.replay_key("signed_request", request.text));
  IDOS_TRY(auto applied, impl_->storage.find_applied_request(key.key));
  if (applied && applied->request_sha256 == request.request_sha256) return outcome_of(*applied);
  return make_error(ErrorCode::unavailable, "the outcome of position " + std::to_string(position) + " is no longer known here");
}

Result<int64_t> NatsLog::first_sequence() { return impl_->first_sequence(); }

Status NatsLog::purge_below(int64_t keep_from) {
  jsOptions o;
  jsOptions_Init(&o);
  o.Wait = kPublishWaitMs;
  // "Purge up to but not including sequence" (nats.h, jsOptionsStreamPurge.Sequence); the server's
  // JSApiStreamPurgeRequest {"seq": N} (nats-server 2.9 jetstream_api.go).
  o.Stream.Purge.Sequence = static_cast<uint64_t>(keep_from);
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_PurgeStream(impl_->js, impl_->settings.stream.c_str(), &o, &jerr);
  if (s != NATS_OK) return nats_error("nats: purge " + impl_->settings.stream, s, jerr);
  (void)impl_->first_sequence();
  return ok_status();
}

nlohmann::json NatsLog::follow_status() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return nlohmann::json{{"state", impl_->follow_state}, {"message", impl_->follow_message},
                        {"stream_first", impl_->stream_first}};
}

}  // namespace idos::node
