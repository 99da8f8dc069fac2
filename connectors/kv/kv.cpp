#include "connectors/kv/kv.hpp"

#include "codecs/json.hpp"
#include "connectors/kv/lmdb_store.hpp"

namespace temblor::connectors {

namespace {

using kv::lmdb_store;

// The store's file may grow to this; LMDB only uses what it needs.
constexpr size_t kv_map_size = size_t{1} << 30;

/// A key is a string or bytes; its bytes are the stored key.
const std::string* key_of(const value* v) { return v ? v->get_text() : nullptr; }

std::string encode_value(const value& v) {
  std::string out, err;
  codecs::json_encode(v, codecs::json_mode::sorted, out, err);
  return out;
}

value decode_value(const std::string& stored) {
  value v;
  std::string err;
  if (!codecs::json_decode(stored, v, err))
    return value{};
  return v;
}

class kv_connector final : public connector {
public:
  kv_connector(std::string path, std::shared_ptr<connector_context> ctx)
    : path_(std::move(path)), ctx_(std::move(ctx)) {}

  connector_ports ports() const override { return duplex_ports(); }

  void connect() override {
    std::string err;
    if (!store_.is_open() && !store_.open(path_, kv_map_size, err)) {
      ctx_->connect_failed(err);
      return;
    }
    ctx_->connected();
  }

  // Replies go out from write(): nothing to push on our own.
  void resume() override {}

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    const value* cmd = ev.meta.get("kv");
    value correlation;
    if (const value* c = ev.meta.get("correlation"))
      correlation = *c;
    if (!cmd || !cmd->is_record() || cmd->as_record().empty()) {
      reply_error("", "missing or invalid `$kv` command (get, put, swap, delete, scan, cas)", correlation);
      return sink_outcome::failed;
    }
    std::string err;
    std::string op;
    bool ok = execute(*cmd, ev.payload, correlation, op, err);
    if (!ok) {
      reply_error(op, err, correlation);
      return sink_outcome::failed;
    }
    return sink_outcome::done;
  }

private:
  // Runs one command and emits its replies on `out`; false with `err`.
  bool execute(const value& cmd, const value& payload, const value& correlation, std::string& op,
               std::string& err) {
    const auto& fields = cmd.as_record();
    for (const char* name : {"get", "put", "swap", "delete", "cas", "scan"})
      if (fields.find(name)) {
        op = name;
        break;
      }
    if (op.empty()) {
      err = "unknown `$kv` command (get, put, swap, delete, scan, cas)";
      return false;
    }
    if (op == "scan")
      return scan(cmd, correlation, err);
    const std::string* key = key_of(cmd.get(op));
    if (!key) {
      err = "`$kv." + op + "` must be a key (string or bytes)";
      return false;
    }
    bool write = op != "get";
    lmdb_store::txn t(store_, write);
    if (!t.ok()) {
      err = t.error();
      return false;
    }
    std::string old_stored;
    bool existed = t.get(*key, old_stored);
    value reply; // Tremor: put answers the new value, the others the old one
    if (op == "get") {
      reply = existed ? decode_value(old_stored) : value{};
    } else if (op == "put" || op == "swap") {
      if (!t.put(*key, encode_value(payload))) {
        err = t.error();
        return false;
      }
      reply = op == "put" ? payload : (existed ? decode_value(old_stored) : value{});
    } else if (op == "delete") {
      t.del(*key);
      reply = existed ? decode_value(old_stored) : value{};
    } else { // cas
      const value* expected = cmd.get("old");
      bool expect_absent = !expected || expected->is_null();
      bool matches = expect_absent ? !existed
                                   : existed && encode_value(*expected) == old_stored;
      if (!matches) {
        err = "CAS error: expected " + (expect_absent ? std::string("no value") : codecs::json_to_string(*expected, codecs::json_mode::sorted)) +
              " but found " + (existed ? old_stored : std::string("no value"));
        return false;
      }
      if (!t.put(*key, encode_value(payload))) {
        err = t.error();
        return false;
      }
    }
    if (write && !t.commit()) {
      err = t.error();
      return false;
    }
    reply_ok(op, *key, std::move(reply), correlation);
    return true;
  }

  // One reply per key in [start, end).
  bool scan(const value& cmd, const value& correlation, std::string& err) {
    const value* start = cmd.get("scan");
    const value* end = cmd.get("end");
    const std::string* from = key_of(start);
    const std::string* to = key_of(end);
    if ((start && !start->is_null() && !from) || (end && !end->is_null() && !to)) {
      err = "`$kv.scan` and `$kv.end` must be keys (string or bytes)";
      return false;
    }
    lmdb_store::txn t(store_, false);
    std::vector<std::pair<std::string, std::string>> found;
    bool ok = t.ok() && t.scan(from ? *from : std::string_view{}, to ? *to : std::string_view{},
                               [&](std::string_view k, std::string_view v) {
                                 found.emplace_back(k, v);
                                 return true;
                               });
    if (!ok) {
      err = t.error();
      return false;
    }
    for (auto& [k, v] : found)
      reply_ok("scan", k, decode_value(v), correlation);
    return true;
  }

  void reply_ok(const std::string& op, const std::string& key, value payload, const value& correlation) {
    record kv_meta;
    kv_meta.set("op", op);
    kv_meta.set("ok", value{bytes{key}});
    record meta;
    meta.set("kv", value{std::move(kv_meta)});
    if (!correlation.is_null())
      meta.set("correlation", correlation);
    ctx_->emit("out", 0, std::move(payload), value{std::move(meta)});
  }

  void reply_error(const std::string& op, const std::string& message, const value& correlation) {
    record payload;
    payload.set("error", message);
    record kv_meta;
    if (!op.empty())
      kv_meta.set("op", op);
    kv_meta.set("error", message);
    record meta;
    meta.set("kv", value{std::move(kv_meta)});
    if (!correlation.is_null())
      meta.set("correlation", correlation);
    ctx_->emit("err", 0, value{std::move(payload)}, value{std::move(meta)});
  }

  std::string path_;
  std::shared_ptr<connector_context> ctx_;
  lmdb_store store_;
};

std::unique_ptr<connector> make_kv(const connector_args& args, std::string& err) {
  std::string path = args.config.get("path")->as_string();
  if (path.empty()) {
    err = "`config.path` must name a directory";
    return nullptr;
  }
  return std::make_unique<kv_connector>(std::move(path), args.context);
}

} // namespace

const connector_descriptor& kv_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "kv";
    d.summary = "a persistent key-value store (LMDB): commands in `$kv` (get, put, swap, delete, scan, cas), replies on `out` with `$kv` and `$correlation`, errors on `err`";
    d.codec = codec_requirement::structured;
    d.config = {
      required_key("path", value_types::string, "Directory of the store (created when missing); what is put survives restarts."),
    };
    d.make = &make_kv;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
