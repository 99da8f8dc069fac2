#include "connectors/crononome/crononome.hpp"

#include <chrono>
#include <memory>
#include <optional>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/system_timer.hpp>

#include "runtime/core/suggest.hpp"

namespace temblor::connectors::crononome {

value cron_entry::trigger() const {
  record r;
  r.set("name", name);
  if (!payload.is_null())
    r.set("payload", payload);
  return value{std::move(r)};
}

bool crononome_config::parse(const value& config, std::string& err) {
  const value* list = config.get("entries");
  if (list == nullptr)
    return true;
  size_t index = 0;
  for (const auto& item : list->as_array()) {
    const std::string where = "`entries[" + std::to_string(index++) + "]`";
    if (!item.is_record()) {
      err = where + " must be a record {\"name\", \"expr\", \"payload\"}, not " +
            std::string(kind_name(item.kind()));
      return false;
    }
    for (const auto& [key, v] : item.as_record()) {
      if (key != "name" && key != "expr" && key != "payload") {
        err = where + ": unknown key `" + key + "`; " +
              unknown_name_hint(key, {"name", "expr", "payload"});
        return false;
      }
    }
    cron_entry entry;
    const value* name = item.get("name");
    if (name == nullptr || !name->is_string()) {
      err = where + " needs a `name` (a string)";
      return false;
    }
    entry.name = name->as_string();
    const value* expr = item.get("expr");
    if (expr == nullptr || !expr->is_string()) {
      err = where + " (`" + entry.name + "`) needs an `expr` (a string)";
      return false;
    }
    std::string why;
    if (!entry.schedule.parse(expr->as_string(), why)) {
      err = where + " (`" + entry.name + "`): invalid cron expression `" + expr->as_string() +
            "`: " + why;
      return false;
    }
    if (const value* payload = item.get("payload"))
      entry.payload = *payload;
    entries.push_back(std::move(entry));
  }
  return true;
}

namespace {

using std::chrono::system_clock;

int64_t whole_seconds(system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

/// The timer half, owned by its handlers so a stop() that races a pending
/// wait leaves nothing dangling. Every method runs on the connector's loop.
struct cron_timer : std::enable_shared_from_this<cron_timer> {
  cron_timer(asio::io_context& io, std::vector<cron_entry> entries,
             std::shared_ptr<connector_context> ctx)
    : timer(io), entries(std::move(entries)), ctx(std::move(ctx)),
      next(this->entries.size()), due(this->entries.size(), false) {}

  /// Schedules every entry from now; triggers that come due while paused
  /// are kept (one per entry) and emitted on resume, as Tremor's queue does.
  void begin() {
    const int64_t now = whole_seconds(system_clock::now());
    for (size_t i = 0; i < entries.size(); ++i) {
      next[i] = entries[i].schedule.next_after(now);
      if (!next[i])
        ctx->log(log_level::warning,
                 "entry `" + entries[i].name + "` never fires (no matching time before 2101)");
    }
    arm();
  }

  void arm() {
    std::optional<int64_t> earliest;
    for (const auto& at : next)
      if (at && (!earliest || *at < *earliest))
        earliest = at;
    if (!earliest || stopped)
      return;
    timer.expires_at(system_clock::time_point(std::chrono::seconds(*earliest)));
    timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (!ec)
        self->on_timer();
    });
  }

  void on_timer() {
    if (stopped)
      return;
    const int64_t now = whole_seconds(system_clock::now());
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!next[i] || *next[i] > now)
        continue;
      if (paused)
        due[i] = true;
      else
        emit(i);
      next[i] = entries[i].schedule.next_after(now);
    }
    arm();
  }

  void resume() {
    paused = false;
    if (stopped)
      return;
    if (!running) {
      running = true;
      begin();
      return;
    }
    for (size_t i = 0; i < entries.size(); ++i) {
      if (due[i]) {
        due[i] = false;
        emit(i);
      }
    }
  }

  void emit(size_t i) {
    value trigger = entries[i].trigger();
    record payload;
    payload.set("connector", "crononome");
    payload.set("ingest_ns", now_ns());
    payload.set("id", id++);
    payload.set("trigger", trigger);
    value meta{record{{"crononome", value{record{{"trigger", std::move(trigger)}}}}}};
    ctx->receive_value(0, value{std::move(payload)}, std::move(meta));
  }

  asio::system_timer timer;
  std::vector<cron_entry> entries;
  std::shared_ptr<connector_context> ctx;
  std::vector<std::optional<int64_t>> next;
  std::vector<bool> due;
  uint64_t id = 0;
  bool paused = true;
  bool running = false;
  bool stopped = false;
};

class crononome_connector final : public connector {
public:
  crononome_connector(crononome_config cfg, std::shared_ptr<connector_context> ctx)
    : cfg_(std::move(cfg)), ctx_(std::move(ctx)) {}
  ~crononome_connector() override { stop(); }

  connector_ports ports() const override { return source_ports(); }

  void start(const start_args& args) override {
    timer_ = std::make_shared<cron_timer>(args.services.io->next(), cfg_.entries, ctx_);
  }
  void connect() override { ctx_->connected(); }

  void resume() override {
    on_loop([](cron_timer& t) { t.resume(); });
  }
  void pause() override {
    on_loop([](cron_timer& t) { t.paused = true; });
  }
  void drain() override { stop(); }
  void stop() override {
    on_loop([](cron_timer& t) {
      t.stopped = true;
      t.timer.cancel();
    });
    timer_.reset();
  }

private:
  template <class F>
  void on_loop(F f) {
    if (timer_)
      asio::post(timer_->timer.get_executor(), [t = timer_, f] { f(*t); });
  }

  crononome_config cfg_;
  std::shared_ptr<connector_context> ctx_;
  std::shared_ptr<cron_timer> timer_;
};

std::unique_ptr<connector> make_crononome(const connector_args& args, std::string& err) {
  crononome_config cfg;
  if (!cfg.parse(args.config, err))
    return nullptr;
  return std::make_unique<crononome_connector>(std::move(cfg), args.context);
}

} // namespace

const connector_descriptor& crononome_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "crononome";
    d.summary = "emits `{\"connector\", \"ingest_ns\", \"id\", \"trigger\"}` when a cron entry "
                "fires (UTC)";
    d.codec = codec_requirement::structured;
    d.config = {
      optional_key("entries", value_types::array, {},
                   "The schedule: a list of `{\"name\": …, \"expr\": \"<sec> <min> <hour> "
                   "<day> <month> <weekday> [<year>]\", \"payload\": …}` (payload optional), in "
                   "UTC; weekdays run 1-7 from Sunday or SUN-SAT, months 1-12 or JAN-DEC; a bad "
                   "expression fails the load naming the entry."),
    };
    d.make = &make_crononome;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors::crononome
