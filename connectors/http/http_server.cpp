#include "connectors/http/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "connectors/http/body_codecs.hpp"
#include "connectors/http/context_gate.hpp"
#include "connectors/http/header_values.hpp"
#include "connectors/http/server/server.hpp"

namespace temblor::connectors::http {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

uint64_t read_uint(const value& config, const char* key) {
  uint64_t n = 0;
  if (const value* v = config.get(key))
    v->get_u64(n);
  return n;
}

std::chrono::milliseconds read_ms(const value& config, const char* key) {
  return std::chrono::milliseconds(read_uint(config, key));
}

/// Tremor's default status of a response that names none.
unsigned default_status(const std::string& method) {
  if (method == "POST")
    return 201;
  if (method == "DELETE")
    return 204;
  return 200;
}

/// A request waiting for its response (or streaming one).
struct pending_request {
  std::shared_ptr<exchange> ex;
  unsigned default_status = 200; ///< the method's (200, 201 for POST, 204 for DELETE)
  int request_codec = -1; ///< the mapping entry the request body was read with
  clock_type::time_point deadline;
  bool streaming = false; ///< the chunked response has begun
  int response_codec = -1; ///< the entry its chunks are written with
};

/// One step of a response, made on the actor's thread and carried out on
/// the loop, where exchanges live.
struct reply_op {
  std::shared_ptr<exchange> ex;
  bool stream = false; ///< chunked
  bool start = true;   ///< the first event of the response: the head goes out
  bool last = true;    ///< the response ends with this event
  unsigned status = 200;
  http_headers headers;
  std::string body;
};

/// What the actor's thread and the event loop share. The loop side is the
/// server's request handler; the actor side answers through write().
class server_side final : public request_handler,
                          public std::enable_shared_from_this<server_side> {
public:
  server_side(asio::io_context& io, const connector_args& args, http_server_config cfg,
              std::shared_ptr<const mime_mapping> mapping, bool linked)
    : io_(io), gate_(args.context), cfg_(std::move(cfg)), mapping_(mapping), decoders_(mapping),
      linked_(linked), sweep_(io), alias_(args.alias),
      timed_out_(args.context->counter("responses_timed_out_503")),
      chunked_timed_out_(args.context->counter("chunked_responses_timed_out")),
      undecodable_(args.context->counter("requests_undecodable_400")),
      client_gone_(args.context->counter("responses_to_closed_connections")) {}

  // -- loop: lifecycle ---------------------------------------------------------

  void listen() {
    if (stopped_)
      return;
    if (!server_) {
      server_config sc;
      sc.host = cfg_.url.host;
      sc.port = cfg_.url.port;
      sc.tls = cfg_.tls;
      sc.socket = cfg_.socket;
      sc.backlog = static_cast<uint32_t>(cfg_.backlog);
      sc.limits = cfg_.limits;
      auto self = shared_from_this();
      server_hooks hooks;
      hooks.log = [self](log_level level, std::string msg) {
        self->gate_.with([&](connector_context& ctx) { ctx.log(level, std::move(msg)); });
      };
      hooks.counter = [self](std::string_view name) -> std::atomic<uint64_t>& {
        return self->gate_.direct().counter(name);
      };
      hooks.gauge = [self](std::string_view name) -> std::atomic<uint64_t>& {
        return self->gate_.direct().gauge(name);
      };
      server_ = server::create(io_, std::move(sc), self, std::move(hooks));
      // Nothing is read before the runtime's first resume().
      server_->pause();
    }
    std::string err;
    if (!server_->listen(err)) {
      gate_.with([&](connector_context& ctx) { ctx.connect_failed(err); });
      return;
    }
    std::string where = std::string(cfg_.tls.enabled ? "https://" : "http://") +
                        server_->local_address();
    local_authority_ = server_->local_address();
    gate_.with([&](connector_context& ctx) {
      ctx.log(log_level::info, "listening on " + where);
      ctx.connected();
    });
    arm_sweep();
  }

  void set_paused(bool paused) {
    if (stopped_ || !server_)
      return;
    if (paused)
      server_->pause();
    else
      server_->resume();
  }

  void stop_accepting() {
    if (server_)
      server_->stop_accepting();
  }

  /// Actor thread: no context call passes after this returns.
  void close_gate() {
    gate_.close();
    std::lock_guard<std::mutex> guard(mtx_);
    pending_.clear();
  }

  /// Loop: closes every socket and timer.
  void shut_down() {
    stopped_ = true;
    sweep_.cancel();
    if (server_)
      server_->close();
    server_.reset(); // the server holds us as its handler
  }

  // -- loop: requests --------------------------------------------------------------

  void on_request(const std::shared_ptr<exchange>& ex) override {
    if (stopped_)
      return;
    auto& req = ex->request();
    uint64_t id = next_id_++;
    int codec = -1;
    value payload;
    if (!req.body.empty()) {
      const std::string* type = req.header("content-type");
      codec = mapping_->lookup(type ? *type : std::string_view());
      std::string err;
      if (codec < 0) {
        err = "no codec for content type `" + (type ? *type : std::string()) +
              "` in mime_mapping and no `*/*` fallback";
      } else if (!decoders_.decode(static_cast<size_t>(codec), req.body, payload, err)) {
        err = "cannot decode the body as " + mapping_->at(static_cast<size_t>(codec)).name +
              ": " + err;
      }
      if (!err.empty()) {
        reject_undecodable(ex, id, err);
        return;
      }
    }
    value meta = request_meta(*ex, id);
    if (!linked_) {
      // Nothing answers through `in`: Tremor's server replies at once.
      ex->respond(default_status(req.method), {}, std::string());
    } else {
      std::lock_guard<std::mutex> guard(mtx_);
      pending_.emplace(id, pending_request{ex, default_status(req.method), codec,
                                           clock_type::now() + cfg_.response_timeout});
    }
    hand_over(id, false, std::move(payload), std::move(meta));
  }

  // -- actor: responses -------------------------------------------------------------

  /// Turns one event into reply steps for the requests it answers; false
  /// fails the event.
  bool write(const event& ev, std::vector<reply_op>& out) {
    ids_.clear();
    const value* hs = ev.meta.get("http_server");
    uint64_t rid = 0;
    if (hs != nullptr) {
      if (const value* r = hs->get("request_id"); r != nullptr && r->get_u64(rid))
        ids_.push_back(rid);
    }
    if (ids_.empty())
      for (const auto& o : ev.id.origins())
        if (o.source == source_id_ && std::find(ids_.begin(), ids_.end(), o.stream) == ids_.end())
          ids_.push_back(o.stream);
    const value* response = hs != nullptr ? hs->get("response") : nullptr;
    bool ok = !ids_.empty();
    for (auto id : ids_)
      ok = answer(id, ev.payload, response, out) && ok;
    return ok;
  }

  void set_source_id(uint64_t id) { source_id_ = id; }

  /// Loop: carries out reply steps.
  void apply(std::vector<reply_op>& ops) {
    for (auto& op : ops) {
      bool sent = true;
      if (!op.stream) {
        sent = op.ex->respond(op.status, std::move(op.headers), std::move(op.body));
      } else {
        if (op.start)
          sent = op.ex->begin_chunked(op.status, std::move(op.headers));
        if (sent && !op.body.empty())
          sent = op.ex->send_chunk(op.body);
        if (sent && op.last)
          sent = op.ex->end_chunked();
      }
      if (!sent)
        client_gone_.fetch_add(1, std::memory_order_relaxed);
    }
  }

private:
  bool answer(uint64_t id, const value& payload, const value* response,
              std::vector<reply_op>& out) {
    // What the reply asks for, read before the request is claimed: a
    // malformed one fails the event and leaves the request waiting.
    reply_op op;
    unsigned status = 0; // 0: the method's default
    bool last_flag = false;
    if (response != nullptr && response->is_record()) {
      uint64_t s = 0;
      if (const value* v = response->get("status")) {
        if (!v->get_u64(s) || s < 100 || s > 999) {
          log_bad_response(id, "`$http_server.response.status` must be an integer from 100 to 999");
          return false;
        }
        status = static_cast<unsigned>(s);
      }
      std::string err;
      if (const value* h = response->get("headers"); h && !value_to_headers(*h, op.headers, err)) {
        log_bad_response(id, "`$http_server.response.headers`: " + err);
        return false;
      }
      if (const value* l = response->get("last"); l && l->is_bool())
        last_flag = l->as_bool();
    }
    const std::string* te = find_header(op.headers, "transfer-encoding");
    bool asks_chunked = te != nullptr && te->find("chunked") != std::string::npos;

    // Claim the request: a whole response (or a stream's last chunk) takes
    // it out, so a timeout racing this reply finds nothing to answer.
    int request_codec = -1;
    int stream_codec = -1;
    bool streaming = false;
    {
      std::lock_guard<std::mutex> guard(mtx_);
      auto it = pending_.find(id);
      if (it == pending_.end()) {
        log_unmatched(id);
        return false;
      }
      auto& p = it->second;
      op.ex = p.ex;
      op.status = status != 0 ? status : p.default_status;
      request_codec = p.request_codec;
      stream_codec = p.response_codec;
      streaming = p.streaming;
      op.stream = streaming || asks_chunked;
      op.start = !streaming;
      op.last = !op.stream || last_flag;
      if (op.last) {
        pending_.erase(it);
      } else {
        p.streaming = true;
        p.deadline = clock_type::now() + cfg_.response_timeout;
      }
    }

    // The body's codec: the response's content type, else the request's,
    // else the fallback; the content type is announced when not given. A
    // null payload is an empty body, as an empty request body is null.
    int codec = -1;
    if (streaming) {
      codec = stream_codec; // every chunk like the first
    } else if (const std::string* type = find_header(op.headers, "content-type")) {
      codec = mapping_->lookup(*type);
    } else {
      codec = request_codec >= 0 ? request_codec : mapping_->fallback();
      if (codec >= 0 && (op.stream || !payload.is_null()))
        op.headers.push_back(
            http_header{"content-type", mapping_->announced_mime(static_cast<size_t>(codec))});
    }
    if (op.start && !op.last) {
      std::lock_guard<std::mutex> guard(mtx_);
      if (auto it = pending_.find(id); it != pending_.end())
        it->second.response_codec = codec;
    }
    std::string err;
    if (!payload.is_null()) {
      if (codec < 0)
        err = "no codec for the response's content type and no `*/*` fallback";
      else if (!encoders_.encode(static_cast<size_t>(codec), payload, op.body, err))
        err = "cannot encode the response as " + mapping_->at(static_cast<size_t>(codec)).name +
              ": " + err;
    }
    if (err.empty()) {
      out.push_back(std::move(op));
      return true;
    }
    // Answer at once rather than leave the client to the timeout: 500, or
    // the end of a stream already under way.
    log_bad_response(id, err);
    {
      std::lock_guard<std::mutex> guard(mtx_);
      pending_.erase(id);
    }
    reply_op fail;
    fail.ex = std::move(op.ex);
    if (streaming) {
      fail.stream = true;
      fail.start = false;
    } else {
      fail.status = 500;
      fail.headers = {{"content-type", "text/plain"}};
      fail.body = "the response could not be encoded\n";
    }
    out.push_back(std::move(fail));
    return false;
  }

  void log_unmatched(uint64_t id) {
    uint64_t n = ++unmatched_;
    if ((n & (n - 1)) == 0)
      gate_.direct().log(log_level::warning,
                         "no open request " + std::to_string(id) +
                             " for a response (answered, timed out or never seen); " +
                             std::to_string(n) + " such responses so far");
  }

  void log_bad_response(uint64_t id, const std::string& why) {
    gate_.direct().log(log_level::error,
                       "response to request " + std::to_string(id) + " failed: " + why);
  }

  // -- loop: helpers -----------------------------------------------------------------

  value request_meta(const exchange& ex, uint64_t id) const {
    const auto& req = ex.request();
    const char* scheme = ex.tls() ? "https" : "http";
    std::string uri;
    if (!req.target.empty() && req.target.front() == '/') {
      const std::string* given = req.header("host");
      const std::string& host = given ? *given : local_authority_;
      uri.reserve(8 + host.size() + req.target.size());
      uri.append(scheme).append("://").append(host).append(req.target);
    } else {
      uri = req.target;
    }
    record r;
    r.reserve(5);
    r.push_unchecked("method", value(req.method));
    r.push_unchecked("uri", value(std::move(uri)));
    r.push_unchecked("protocol", value(scheme));
    r.push_unchecked("version", value(req.version()));
    r.push_unchecked("headers", headers_to_value(req.headers));
    record hs;
    hs.reserve(2);
    hs.push_unchecked("request", value(std::move(r)));
    hs.push_unchecked("request_id", value(id));
    record meta;
    meta.push_unchecked("http_server", value(std::move(hs)));
    return value(std::move(meta));
  }

  void reject_undecodable(const std::shared_ptr<exchange>& ex, uint64_t id,
                          const std::string& err) {
    undecodable_.fetch_add(1, std::memory_order_relaxed);
    ex->respond(400, {{"content-type", "text/plain"}}, err + "\n");
    value meta = request_meta(*ex, id);
    record payload;
    payload.set("error", err);
    payload.set("source", alias_);
    payload.set("request_id", id);
    hand_over(id, true, value(std::move(payload)), std::move(meta));
  }

  /// Queues a request's event for the runtime. Every request read in this
  /// turn of the loop goes over in one hand-over posted behind them: under
  /// load that is one wake-up of the connector's actor (and one batch
  /// through the pipeline and back) for many requests instead of one each,
  /// which profiles showed as the largest cost per request (thread switches).
  void hand_over(uint64_t id, bool error, value payload, value meta) {
    inbox_.push_back(inbound{id, error, std::move(payload), std::move(meta)});
    if (hand_over_posted_)
      return;
    hand_over_posted_ = true;
    asio::post(io_, [self = shared_from_this()] { self->deliver(); });
  }

  void deliver() {
    hand_over_posted_ = false;
    gate_.with([&](connector_context& ctx) {
      for (auto& r : inbox_) {
        // One request, one stream: its id finds the request again from the
        // reply's event id, and ending it at once keeps no state per request.
        if (r.error)
          ctx.emit("err", r.id, std::move(r.payload), std::move(r.meta));
        else
          ctx.receive_value(r.id, std::move(r.payload), std::move(r.meta));
        ctx.stream_finished(r.id);
      }
    });
    inbox_.clear();
  }

  void arm_sweep() {
    auto every = std::clamp<std::chrono::milliseconds>(cfg_.response_timeout / 4, 10ms, 250ms);
    sweep_.expires_after(every);
    sweep_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (ec || self->stopped_)
        return;
      self->sweep();
      self->arm_sweep();
    });
  }

  /// Answers requests whose response did not come in time: 503, or the
  /// end of a chunked response that stopped getting chunks.
  void sweep() {
    auto now = clock_type::now();
    expired_.clear();
    {
      std::lock_guard<std::mutex> guard(mtx_);
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.deadline > now) {
          ++it;
          continue;
        }
        expired_.push_back(std::move(it->second));
        it = pending_.erase(it);
      }
    }
    for (auto& p : expired_) {
      if (p.streaming) {
        chunked_timed_out_.fetch_add(1, std::memory_order_relaxed);
        p.ex->end_chunked();
        continue;
      }
      uint64_t n = timed_out_.fetch_add(1, std::memory_order_relaxed) + 1;
      if ((n & (n - 1)) == 0)
        gate_.with([&](connector_context& ctx) {
          ctx.log(log_level::warning, "a request got no response within " +
                                          std::to_string(cfg_.response_timeout.count()) +
                                          " ms and was answered 503 (" + std::to_string(n) +
                                          " so far)");
        });
      p.ex->respond(503, {{"content-type", "text/plain"}}, "no response in time\n");
    }
    expired_.clear();
  }

  asio::io_context& io_;
  context_gate gate_;
  http_server_config cfg_;
  std::shared_ptr<const mime_mapping> mapping_;
  body_codecs decoders_; // loop
  body_codecs encoders_{mapping_}; // actor
  const bool linked_;
  uint64_t source_id_ = 0;
  asio::steady_timer sweep_;
  std::string alias_;
  std::atomic<uint64_t>& timed_out_;
  std::atomic<uint64_t>& chunked_timed_out_;
  std::atomic<uint64_t>& undecodable_;
  std::atomic<uint64_t>& client_gone_;

  // loop only
  std::shared_ptr<server> server_;
  std::string local_authority_;
  uint64_t next_id_ = 0;
  bool stopped_ = false;
  std::vector<pending_request> expired_;
  /// A request's event waiting for the hand-over (hand_over).
  struct inbound {
    uint64_t id;
    bool error; ///< for `err` (undecodable), else `out`
    value payload;
    value meta;
  };
  std::vector<inbound> inbox_;
  bool hand_over_posted_ = false;

  // actor only
  std::vector<uint64_t> ids_;
  uint64_t unmatched_ = 0;

  std::mutex mtx_;
  std::unordered_map<uint64_t, pending_request> pending_;
};

class http_server_impl final : public connector {
public:
  http_server_impl(const connector_args& args, http_server_config cfg,
                   std::shared_ptr<const mime_mapping> mapping)
    : args_(args), cfg_(std::move(cfg)), mapping_(std::move(mapping)) {}
  ~http_server_impl() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }

  bool check(std::string& err) const override { return check_server_tls(cfg_.tls, err); }

  void start(const start_args& args) override {
    io_ = &args.services.io->next();
    side_ = std::make_shared<server_side>(*io_, args_, cfg_, mapping_, args.sink_linked);
    side_->set_source_id(args_.source_id);
  }

  void connect() override {
    on_loop([](server_side& s) { s.listen(); });
  }
  void resume() override {
    on_loop([](server_side& s) { s.set_paused(false); });
  }
  void pause() override {
    on_loop([](server_side& s) { s.set_paused(true); });
  }
  void drain() override {
    // Like Tremor's quiescence: no new connections, open ones go on.
    on_loop([](server_side& s) { s.stop_accepting(); });
  }

  void stop() override {
    if (!side_)
      return;
    side_->close_gate();
    on_loop([](server_side& s) { s.shut_down(); });
    side_.reset();
  }

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    if (!side_)
      return sink_outcome::failed;
    return side_->write(ev, ops_) ? sink_outcome::done : sink_outcome::failed;
  }

  void flush() override {
    if (ops_.empty() || !side_)
      return;
    // One hop to the loop per batch of events, not per response.
    asio::post(*io_, [s = side_, ops = std::move(ops_)]() mutable { s->apply(ops); });
    ops_.clear();
  }

private:
  template <class F>
  void on_loop(F f) {
    if (side_)
      asio::post(*io_, [s = side_, f] { f(*s); });
  }

  connector_args args_;
  http_server_config cfg_;
  std::shared_ptr<const mime_mapping> mapping_;
  asio::io_context* io_ = nullptr;
  std::shared_ptr<server_side> side_;
  std::vector<reply_op> ops_;
};

std::unique_ptr<connector> make_http_server(const connector_args& args, std::string& err) {
  http_server_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  auto mapping = std::make_shared<mime_mapping>();
  if (!mime_mapping::make(cfg.mime_mapping, *mapping, err))
    return nullptr;
  return std::make_unique<http_server_impl>(args, std::move(cfg), std::move(mapping));
}

} // namespace

bool http_server_config::parse(const value& config, std::string& err) {
  std::string text = "http://localhost:80";
  if (const value* u = config.get("url"); u != nullptr && u->is_string())
    text = u->as_string();
  if (!common::parse_url(text, "http", url, err)) {
    err = "`url`: " + err;
    return false;
  }
  if (url.scheme != "http" && url.scheme != "https") {
    err = "`url`: the scheme must be http or https, not `" + url.scheme + "`";
    return false;
  }
  if (!tls.parse(config, err))
    return false;
  if (url.scheme == "https" && !tls.enabled) {
    err = "`url` is https but `tls` (cert and key) is not given";
    return false;
  }
  if (const value* m = config.get("mime_mapping"))
    mime_mapping = *m;
  response_timeout = read_ms(config, "response_timeout_ms");
  limits.max_connections = read_uint(config, "max_connections");
  limits.request.max_header_bytes = read_uint(config, "max_header_bytes");
  limits.request.max_header_count = read_uint(config, "max_headers");
  limits.request.max_body_bytes = read_uint(config, "max_body_bytes");
  limits.body_budget_bytes = read_uint(config, "body_memory_bytes");
  limits.idle_timeout = read_ms(config, "idle_timeout_ms");
  limits.header_timeout = read_ms(config, "header_timeout_ms");
  limits.body_timeout = read_ms(config, "body_timeout_ms");
  limits.tls_handshake_timeout = read_ms(config, "tls_handshake_timeout_ms");
  limits.max_pipelined = read_uint(config, "max_pipelined");
  limits.max_response_buffer_bytes = read_uint(config, "max_response_buffer_bytes");
  backlog = read_uint(config, "backlog");
  for (const char* key : {"response_timeout_ms", "max_connections", "max_header_bytes",
                          "max_headers", "idle_timeout_ms", "header_timeout_ms", "body_timeout_ms",
                          "tls_handshake_timeout_ms", "max_pipelined", "backlog"}) {
    if (read_uint(config, key) == 0) {
      err = "`" + std::string(key) + "` must be greater than 0";
      return false;
    }
  }
  if (backlog > 65535) {
    err = "`backlog` must be at most 65535";
    return false;
  }
  return socket.parse(config, err);
}

const connector_descriptor& http_server_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "http_server";
    d.summary = "HTTP/1.1 server (optionally TLS): each request is an event, the event that comes back to `in` is its response";
    d.codec = codec_requirement::structured;
    d.config = {
      optional_key("url", value_types::string, "http://localhost:80", "`http://host:port` (or `https://` with `tls`) to listen on."),
      common::tls_server_field(),
      optional_key("mime_mapping", value_types::record, {}, "Content type -> codec (a name or {name, config}), over the built-in json/string/binary/yaml/csv/msgpack entries; `*/*` (json by default) reads any other type."),
      optional_key("response_timeout_ms", value_types::unsigned_int, 10000, "A request without a response this long is answered 503 (counted); a chunked response without a new chunk this long is ended."),
      optional_key("max_connections", value_types::unsigned_int, 1024, "Open connections; one more is closed at once, counted and logged."),
      optional_key("max_header_bytes", value_types::unsigned_int, 16384, "Request line and headers; larger requests get 431."),
      optional_key("max_headers", value_types::unsigned_int, 100, "Header lines per request; more get 431."),
      optional_key("max_body_bytes", value_types::unsigned_int, 16777216, "A request body (de-chunked); larger ones get 413."),
      optional_key("body_memory_bytes", value_types::unsigned_int, 268435456, "Memory for bodies still arriving, all connections together; a body that does not fit gets 413 (counted apart)."),
      optional_key("idle_timeout_ms", value_types::unsigned_int, 60000, "A keep-alive connection with nothing to do is closed after this; also how long a client may stall reading a response."),
      optional_key("header_timeout_ms", value_types::unsigned_int, 10000, "From a request's first byte to the end of its headers; slower clients get 408 (slowloris)."),
      optional_key("body_timeout_ms", value_types::unsigned_int, 60000, "From the end of the headers to the end of the body; slower clients get 408."),
      optional_key("tls_handshake_timeout_ms", value_types::unsigned_int, 10000, "A TLS handshake not finished by then closes the connection (counted)."),
      optional_key("max_pipelined", value_types::unsigned_int, 32, "Requests read ahead of their responses per connection; the connection is not read further until they are answered."),
      optional_key("max_response_buffer_bytes", value_types::unsigned_int, 8388608, "Response bytes waiting for a client that does not read; over it the connection is closed (counted)."),
      optional_key("backlog", value_types::unsigned_int, 1024, "Pending connections the kernel queues."),
      common::socket_options_field(),
      common::no_delay_field(),
    };
    d.make = &make_http_server;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::http
