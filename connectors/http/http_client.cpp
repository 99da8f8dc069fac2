#include "connectors/http/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "connectors/http/body_codecs.hpp"
#include "connectors/http/client/curl_multi.hpp"
#include "connectors/http/client/request_spec.hpp"
#include "connectors/http/client/transfer.hpp"
#include "connectors/http/context_gate.hpp"
#include "connectors/http/header_values.hpp"

namespace temblor::connectors::http {

namespace {

// Requests that may wait for a free slot beyond `concurrency`: what arrives
// between the breaker closing and upstream noticing. A source pulls 256
// events at a time and sees the breaker only after a round through the
// runtime, so with 1024 a benchmark failed 83 % of its requests here. More
// are failed; a waiting request is a few hundred bytes (16 Ki: ~5 MiB).
constexpr size_t max_waiting_floor = 16384;

value request_meta(const request_spec& spec) {
  record r;
  r.reserve(3); // records are built per response: no regrowth
  r.push_unchecked("method", value(spec.method));
  r.push_unchecked("url", value(spec.url));
  r.push_unchecked("headers", headers_to_value(spec.headers));
  return value(std::move(r));
}

/// The event loop's half: the curl driver, the queue of requests waiting
/// for a slot, and what turns transfers into events.
class client_side final : public std::enable_shared_from_this<client_side> {
public:
  client_side(asio::io_context& io, const connector_args& args, client_settings settings,
              std::shared_ptr<const mime_mapping> mapping,
              std::shared_ptr<std::atomic<size_t>> in_flight)
    : io_(io), gate_(args.context), in_flight_(std::move(in_flight)), settings_(std::move(settings)), decoders_(mapping),
      alias_(args.alias), max_waiting_(std::max(max_waiting_floor, 16 * settings_.concurrency)),
      errors_(args.context->counter("requests_failed")),
      overflow_(args.context->counter("requests_rejected_queue_full")),
      undecodable_(args.context->counter("responses_undecodable")) {}

  /// Loop: takes a batch of requests from the actor.
  void submit(std::vector<request_spec>& batch) {
    for (auto& spec : batch) {
      if (stopped_) {
        in_flight_->fetch_sub(1, std::memory_order_relaxed);
        continue;
      }
      if (active_ < settings_.concurrency) {
        start(std::move(spec));
      } else if (waiting_.size() < max_waiting_) {
        waiting_.push_back(std::move(spec));
      } else {
        overflow_.fetch_add(1, std::memory_order_relaxed);
        fail(spec, "more than " + std::to_string(max_waiting_) +
                       " requests wait for a free slot (concurrency " +
                       std::to_string(settings_.concurrency) + ")");
      }
    }
    update_breaker();
  }

  void shut_down() {
    stopped_ = true;
    waiting_.clear();
    if (multi_)
      multi_->abort_all();
    multi_.reset();
    running_.clear();
    spare_.clear();
  }

  void close_gate() { gate_.close(); }

private:
  void start(request_spec spec) {
    if (!multi_)
      multi_ = curl_multi::create(io_, settings_.concurrency);
    std::unique_ptr<transfer> t;
    if (!spare_.empty()) {
      t = std::move(spare_.back());
      spare_.pop_back();
    } else {
      t = std::make_unique<transfer>();
    }
    std::string err;
    if (!t->prepare(std::move(spec), settings_, err)) {
      fail(t->spec(), err);
      return;
    }
    transfer* raw = t.get();
    running_.emplace(raw, std::move(t));
    ++active_;
    std::weak_ptr<client_side> weak = weak_from_this();
    bool added = multi_->add(raw->handle(), [weak, raw](CURLcode code) {
      if (auto self = weak.lock())
        self->on_done(raw, code);
    });
    if (!added) {
      --active_;
      auto it = running_.find(raw);
      fail(raw->spec(), "libcurl refused the request");
      running_.erase(it);
    }
  }

  void on_done(transfer* raw, CURLcode code) {
    auto it = running_.find(raw);
    if (it == running_.end())
      return;
    auto t = std::move(it->second);
    running_.erase(it);
    --active_;
    transfer_result r;
    t->complete(code, r);
    if (r.ok)
      deliver(t->spec(), r);
    else
      fail(t->spec(), r.error);
    if (spare_.size() < settings_.concurrency)
      spare_.push_back(std::move(t));
    while (!stopped_ && active_ < settings_.concurrency && !waiting_.empty()) {
      auto next = std::move(waiting_.front());
      waiting_.pop_front();
      start(std::move(next));
    }
    update_breaker();
  }

  void deliver(const request_spec& spec, transfer_result& r) {
    value payload;
    std::string err;
    if (!r.body.empty()) {
      const std::string* type = find_header(r.headers, "content-type");
      int codec = decoders_.mapping().lookup(type ? *type : std::string_view());
      if (codec < 0)
        err = "no codec for the response's content type `" + (type ? *type : std::string()) + "`";
      else if (!decoders_.decode(static_cast<size_t>(codec), r.body, payload, err))
        err = "cannot decode the response body as " +
              decoders_.mapping().at(static_cast<size_t>(codec)).name + ": " + err;
    }
    record response;
    response.reserve(3);
    response.push_unchecked("status", value(static_cast<int64_t>(r.status)));
    response.push_unchecked("headers", headers_to_value(r.headers));
    response.push_unchecked("version", value(std::move(r.version)));
    record hc;
    hc.reserve(3);
    hc.push_unchecked("request", request_meta(spec));
    hc.push_unchecked("request_id", value(spec.request_id));
    hc.push_unchecked("response", value(std::move(response)));
    record meta;
    meta.reserve(2);
    meta.push_unchecked("http_client", value(std::move(hc)));
    if (!spec.correlation.is_null())
      meta.push_unchecked("correlation", spec.correlation);
    gate_.with([&](connector_context& ctx) {
      if (err.empty()) {
        ctx.receive_value(0, std::move(payload), value(std::move(meta)));
      } else {
        undecodable_.fetch_add(1, std::memory_order_relaxed);
        record e;
        e.set("error", err);
        e.set("source", alias_);
        e.set("request_id", spec.request_id);
        ctx.emit("err", 0, value(std::move(e)), value(std::move(meta)));
      }
      answered();
      // A response, whatever its status, completes the event (Tremor).
      if (spec.transactional)
        ctx.ack(spec.id);
    });
  }

  void fail(const request_spec& spec, const std::string& reason) {
    uint64_t n = errors_.fetch_add(1, std::memory_order_relaxed) + 1;
    record hc;
    hc.push_unchecked("request", request_meta(spec));
    hc.push_unchecked("request_id", value(spec.request_id));
    record meta;
    meta.push_unchecked("http_client", value(std::move(hc)));
    if (!spec.correlation.is_null())
      meta.push_unchecked("correlation", spec.correlation);
    record e;
    e.set("error", reason);
    e.set("source", alias_);
    e.set("request_id", spec.request_id);
    gate_.with([&](connector_context& ctx) {
      if ((n & (n - 1)) == 0)
        ctx.log(log_level::warning, "request to " + spec.url + " failed: " + reason + " (" +
                                        std::to_string(n) + " failures so far)");
      ctx.emit("err", 0, value(std::move(e)), value(std::move(meta)));
      answered();
      if (spec.transactional)
        ctx.fail(spec.id);
    });
  }

  /// Counts a request down once its answer is queued on the context: a
  /// graceful stop that sees the count drop has the answer already (it
  /// keeps our source draining until then, answers_writes), and the ack or
  /// fail that follows makes it look again (else its re-check does).
  void answered() { in_flight_->fetch_sub(1, std::memory_order_release); }

  /// Closes the breaker once `concurrency` requests wait behind the busy
  /// slots and opens it when half of those have started: the waiting ones
  /// refill slots while upstream reacts, and the breaker flips once per
  /// concurrency/2 responses, not at every response (each flip travels to
  /// the source and back, and a source that saw it open late overran the
  /// waiting room: 83 % of a benchmark's requests were rejected).
  void update_breaker() {
    if (stopped_)
      return;
    const size_t waiting = waiting_.size();
    bool close = breaker_closed_ ? waiting > settings_.concurrency / 2
                                 : active_ >= settings_.concurrency && waiting >= settings_.concurrency;
    if (close == breaker_closed_)
      return;
    breaker_closed_ = close;
    gate_.with([&](connector_context& ctx) { ctx.circuit_breaker(!close); });
  }

  asio::io_context& io_;
  context_gate gate_;
  /// Requests handed over and not yet answered (shared with the actor).
  std::shared_ptr<std::atomic<size_t>> in_flight_;
  client_settings settings_;
  body_codecs decoders_;
  std::string alias_;
  const size_t max_waiting_;
  std::atomic<uint64_t>& errors_;
  std::atomic<uint64_t>& overflow_;
  std::atomic<uint64_t>& undecodable_;

  std::shared_ptr<curl_multi> multi_;
  std::unordered_map<transfer*, std::unique_ptr<transfer>> running_;
  std::vector<std::unique_ptr<transfer>> spare_;
  std::deque<request_spec> waiting_;
  size_t active_ = 0;
  bool breaker_closed_ = false;
  bool stopped_ = false;
};

class http_client_impl final : public connector {
public:
  http_client_impl(const connector_args& args, client_settings settings,
                   std::shared_ptr<const mime_mapping> mapping)
    : args_(args), settings_(std::move(settings)), mapping_(mapping), encoders_(mapping) {}
  ~http_client_impl() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }

  bool check(std::string& err) const override {
    // The files must exist; curl reads them per connection.
    common::tls_client_config tls = settings_.tls;
    for (const std::string* f : {&tls.cafile, &tls.cert, &tls.key}) {
      if (f->empty())
        continue;
      if (FILE* fp = std::fopen(f->c_str(), "rb")) {
        std::fclose(fp);
      } else {
        err = "`tls`: cannot read file `" + *f + "`";
        return false;
      }
    }
    return true;
  }

  void start(const start_args& args) override {
    io_ = &args.services.io->next();
    side_ = std::make_shared<client_side>(*io_, args_, settings_, mapping_, in_flight_);
  }

  void connect() override { args_.context->connected(); }

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    if (!side_)
      return sink_outcome::failed;
    request_spec spec;
    std::string err;
    spec.request_id = next_id_++;
    if (!build_request(settings_, encoders_, ev, spec, err)) {
      record e;
      e.set("error", err);
      e.set("source", args_.alias);
      e.set("request_id", spec.request_id);
      args_.context->emit("err", 0, value(std::move(e)), ev.meta);
      return sink_outcome::failed;
    }
    batch_.push_back(std::move(spec));
    in_flight_->fetch_add(1, std::memory_order_relaxed);
    // Elements of a batched event carry no id to ack later: the runtime
    // completes the batch as soon as they are handed over.
    return ev.id.empty() ? sink_outcome::done : sink_outcome::pending;
  }

  void flush() override {
    if (batch_.empty() || !side_)
      return;
    asio::post(*io_, [s = side_, batch = std::move(batch_)]() mutable { s->submit(batch); });
    batch_.clear();
  }

  /// Requests written and not yet answered or failed: a graceful stop lets
  /// them finish (each completion ends in an ack/fail/emit that makes the
  /// runtime ask again); each is bounded by `timeout` anyway.
  size_t writes_in_flight() const override {
    return in_flight_->load(std::memory_order_acquire);
  }
  /// Responses answer requests: a graceful stop delivers those still to come.
  bool answers_writes() const override { return true; }

  void stop() override {
    if (!side_)
      return;
    side_->close_gate();
    asio::post(*io_, [s = side_] { s->shut_down(); });
    side_.reset();
  }

private:
  connector_args args_;
  client_settings settings_;
  std::shared_ptr<const mime_mapping> mapping_;
  body_codecs encoders_; // actor thread
  asio::io_context* io_ = nullptr;
  std::shared_ptr<client_side> side_;
  std::shared_ptr<std::atomic<size_t>> in_flight_ = std::make_shared<std::atomic<size_t>>(0);
  std::vector<request_spec> batch_;
  uint64_t next_id_ = 0;
};

std::unique_ptr<connector> make_http_client(const connector_args& args, std::string& err) {
  client_settings settings;
  if (!settings.parse(args.config, err))
    return nullptr;
  auto mapping = std::make_shared<mime_mapping>();
  if (!mime_mapping::make(settings.mime_mapping, *mapping, err))
    return nullptr;
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!curl_ready) {
    err = "libcurl failed to initialise";
    return nullptr;
  }
  return std::make_unique<http_client_impl>(args, std::move(settings), std::move(mapping));
}

} // namespace

const connector_descriptor& http_client_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "http_client";
    d.summary = "HTTP/1.1 client (libcurl, keep-alive, TLS): each event is a request, its response an event on `out`";
    d.codec = codec_requirement::structured;
    d.config = {
      optional_key("url", value_types::string, "http://localhost:80", "Where requests go unless `$http_client.request.url` says otherwise."),
      optional_key("method", value_types::string, "POST", "The request method unless `$http_client.request.method` says otherwise."),
      optional_key("headers", value_types::record, {}, "Headers of every request: name -> value or list of values; `$http_client.request.headers` replaces them by name."),
      optional_key("timeout", value_types::unsigned_int, {}, "Nanoseconds a request may take, connecting included (default 30 s); then it fails to `err`."),
      optional_key("concurrency", value_types::unsigned_int, 4, "Requests in flight at most; while all are busy the circuit breaker holds upstream back."),
      common::tls_client_field(),
      optional_key("auth", value_types::string | value_types::record, "none", "\"none\", {\"basic\": {\"username\", \"password\"}} or {\"bearer\": token}."),
      optional_key("mime_mapping", value_types::record, {}, "Content type -> codec for request and response bodies (as http_server's); `*/*` (json by default) is used for a payload without `content-type`."),
      optional_key("max_response_bytes", value_types::unsigned_int, 16777216, "A larger response body fails the request."),
    };
    d.make = &make_http_client;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::http
