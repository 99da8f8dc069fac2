#include "connectors/dns/dns_client.hpp"

#include <arpa/inet.h>

#include <atomic>
#include <deque>
#include <memory>

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "connectors/common/url.hpp"
#include "connectors/dns/dns_request.hpp"
#include "connectors/dns/dns_resolver.hpp"

namespace temblor::connectors::dns {

bool dns_client_config::parse(const value& config, std::string& err) {
  config.get("timeout_ms")->get_u64(timeout_ms);
  if (timeout_ms == 0) {
    err = "`timeout_ms` must be at least 1";
    return false;
  }
  const value* list = config.get("servers");
  if (list == nullptr)
    return true;
  size_t index = 0;
  for (const auto& item : list->as_array()) {
    const std::string where = "`servers[" + std::to_string(index++) + "]`";
    if (!item.is_string()) {
      err = where + " must be a string `ip:port`, not " + std::string(kind_name(item.kind()));
      return false;
    }
    common::url u;
    if (!common::parse_url(item.as_string(), "dns", u, err)) {
      err = where + ": " + err;
      return false;
    }
    unsigned char addr[16];
    if (::inet_pton(AF_INET, u.host.c_str(), addr) != 1 &&
        ::inet_pton(AF_INET6, u.host.c_str(), addr) != 1) {
      err = where + ": `" + u.host + "` is not an IP address (a resolver needs one)";
      return false;
    }
    if (!u.has_port)
      u.port = 53;
    servers.push_back(u.authority());
  }
  return true;
}

std::string dns_client_config::servers_csv() const {
  std::string csv;
  for (const auto& s : servers)
    csv += (csv.empty() ? "" : ",") + s;
  return csv;
}

namespace {

/// Lookups under way (asked and not yet handed on) at which the client
/// asks upstream to pause, and at which it asks it to go on again.
constexpr size_t pause_at = 1024;
constexpr size_t resume_at = 512;
/// Past this the client fails events instead of holding more: what was
/// already on its way when the breaker tripped fits well below it.
constexpr size_t refuse_at = 8192;

/// One finished lookup, ready for `out` or `err`.
struct reply {
  bool ok = false;
  value payload;
  value meta;
};

/// The lookups and their replies, owned by the handlers on the loop so a
/// stop() that races a pending lookup leaves nothing dangling. Every method
/// but `outstanding` runs on the connector's loop.
class lookups : public std::enable_shared_from_this<lookups> {
public:
  lookups(asio::io_context& io, dns_client_config cfg, std::shared_ptr<connector_context> ctx)
    : io_(io), cfg_(std::move(cfg)), ctx_(std::move(ctx)) {}

  void open() {
    close_resolver();
    if (stopped_)
      return;
    auto r = std::make_shared<dns_resolver>(io_, std::chrono::milliseconds(cfg_.timeout_ms));
    ares_loop::options opts;
    opts.servers_csv = cfg_.servers_csv();
    // Two tries per server, so each gets about half of the lookup's time.
    opts.try_timeout = std::chrono::milliseconds(std::max<uint64_t>(cfg_.timeout_ms / 2, 1));
    std::string err;
    if (!r->open(opts, err)) {
      ctx_->connect_failed(err);
      return;
    }
    resolver_ = std::move(r);
    ctx_->connected();
  }

  /// Starts one lookup; its reply keeps `correlation` and, on failure,
  /// names `request`.
  void start(lookup_request req, value request, value correlation) {
    began();
    if (!resolver_) {
      finished(failure(std::move(request), std::move(correlation), "the resolver is not running"));
      return;
    }
    resolver_->lookup(std::move(req), [self = shared_from_this(), request = std::move(request),
                                       correlation = std::move(correlation)](lookup_outcome o) mutable {
      if (o.ok)
        self->finished(reply{true, records_to_value(o.records), correlation_meta(correlation)});
      else
        self->finished(failure(std::move(request), std::move(correlation), o.error));
    });
  }

  /// Hands on a request that could not even start (a bad `$dns.lookup`).
  void reject(value request, value correlation, std::string why) {
    began();
    finished(failure(std::move(request), std::move(correlation), std::move(why)));
  }

  void resume() {
    paused_ = false;
    while (!paused_ && !held_.empty()) {
      reply r = std::move(held_.front());
      held_.pop_front();
      send(std::move(r));
    }
  }
  void pause() { paused_ = true; }

  void stop() {
    stopped_ = true;
    held_.clear();
    close_resolver();
  }

  size_t outstanding() const { return outstanding_.load(std::memory_order_relaxed); }

private:
  static value correlation_meta(const value& correlation) {
    if (correlation.is_null())
      return value{};
    return value{record{{"correlation", correlation}}};
  }

  // Tremor's error reply: the request and the reason, the reason also in
  // `$error`, `$correlation` kept.
  static reply failure(value request, value correlation, std::string why) {
    value meta = correlation_meta(correlation);
    meta.set("error", why);
    return reply{false, value{record{{"request", std::move(request)}, {"error", why}}},
                 std::move(meta)};
  }

  void began() {
    size_t n = outstanding_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (n >= pause_at && !breaker_tripped_) {
      breaker_tripped_ = true;
      ctx_->circuit_breaker(false);
    }
  }

  void finished(reply r) {
    if (stopped_)
      return;
    if (paused_)
      held_.push_back(std::move(r));
    else
      send(std::move(r));
  }

  void send(reply r) {
    if (r.ok)
      ctx_->receive_value(0, std::move(r.payload), std::move(r.meta));
    else
      ctx_->emit("err", 0, std::move(r.payload), std::move(r.meta));
    size_t n = outstanding_.fetch_sub(1, std::memory_order_relaxed) - 1;
    if (breaker_tripped_ && n <= resume_at) {
      breaker_tripped_ = false;
      ctx_->circuit_breaker(true);
    }
  }

  void close_resolver() {
    if (resolver_)
      resolver_->close();
    resolver_.reset();
  }

  asio::io_context& io_;
  dns_client_config cfg_;
  std::shared_ptr<connector_context> ctx_;
  std::shared_ptr<dns_resolver> resolver_;
  std::deque<reply> held_; ///< replies while the source may not send
  std::atomic<size_t> outstanding_{0};
  bool breaker_tripped_ = false;
  bool paused_ = true;
  bool stopped_ = false;
};

class dns_client_connector final : public connector {
public:
  dns_client_connector(dns_client_config cfg, std::shared_ptr<connector_context> ctx)
    : cfg_(std::move(cfg)), ctx_(std::move(ctx)),
      refused_(ctx_->counter("lookups_refused_overload")) {}
  ~dns_client_connector() override { stop(); }

  connector_ports ports() const override { return duplex_ports(); }

  void start(const start_args& args) override {
    io_ = &args.services.io->next();
    lookups_ = std::make_shared<lookups>(*io_, cfg_, ctx_);
  }

  void connect() override {
    on_loop([](lookups& l) { l.open(); });
  }
  void resume() override {
    on_loop([](lookups& l) { l.resume(); });
  }
  void pause() override {
    on_loop([](lookups& l) { l.pause(); });
  }
  void stop() override {
    on_loop([](lookups& l) { l.stop(); });
    lookups_.reset();
  }

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    if (!lookups_)
      return sink_outcome::failed;
    if (lookups_->outstanding() >= refuse_at) {
      uint64_t n = refused_.fetch_add(1, std::memory_order_relaxed) + 1;
      if ((n & (n - 1)) == 0) // the 1st, 2nd, 4th, 8th… time
        ctx_->log(log_level::warning, std::to_string(refuse_at) +
                                        " lookups are under way; an event failed (" +
                                        std::to_string(n) + " so far)");
      return sink_outcome::failed;
    }
    value correlation;
    if (const value* c = ev.meta.get("correlation"))
      correlation = *c;
    value request;
    if (const value* dns = ev.meta.get("dns"); dns && dns->get("lookup"))
      request = *dns->get("lookup");
    lookup_request req;
    std::string err;
    if (!read_lookup(ev.meta, req, err)) {
      on_loop([request = std::move(request), correlation = std::move(correlation),
               err = std::move(err)](lookups& l) mutable {
        l.reject(std::move(request), std::move(correlation), std::move(err));
      });
      return sink_outcome::done;
    }
    on_loop([req = std::move(req), request = std::move(request),
             correlation = std::move(correlation)](lookups& l) mutable {
      l.start(std::move(req), std::move(request), std::move(correlation));
    });
    // Tremor acks a request once it is under way; the answer is an event of
    // its own.
    return sink_outcome::done;
  }

private:
  template <class F>
  void on_loop(F f) {
    if (lookups_)
      asio::post(*io_, [l = lookups_, f = std::move(f)]() mutable { f(*l); });
  }

  dns_client_config cfg_;
  std::shared_ptr<connector_context> ctx_;
  std::atomic<uint64_t>& refused_;
  asio::io_context* io_ = nullptr;
  std::shared_ptr<lookups> lookups_;
};

std::unique_ptr<connector> make_dns_client(const connector_args& args, std::string& err) {
  dns_client_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  return std::make_unique<dns_client_connector>(std::move(cfg), args.context);
}

} // namespace

const connector_descriptor& dns_client_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "dns_client";
    d.summary = "looks up `$dns.lookup` (a name or {\"name\", \"type\"}) and emits the records "
                "on `out`, failures on `err`";
    d.codec = codec_requirement::structured;
    d.config = {
      optional_key("servers", value_types::array, {},
                   "Temblor only: the DNS servers to ask, as `ip:port` strings (port 53 when "
                   "left out); by default those of /etc/resolv.conf."),
      optional_key("timeout_ms", value_types::unsigned_int, 5000,
                   "Temblor only: the most one lookup may take before it fails on `err`."),
    };
    d.make = &make_dns_client;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::dns
