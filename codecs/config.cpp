#include "codecs/config.hpp"

#include <vector>

#include "runtime/core/suggest.hpp"

namespace temblor::codecs {

bool check_config_keys(const value& config, std::string_view owner,
                       std::initializer_list<std::string_view> known, std::string& err) {
  if (config.is_null())
    return true;
  if (!config.is_record()) {
    err = "the " + std::string(owner) + " config must be a record, not "
          + std::string(kind_name(config.kind()));
    return false;
  }
  for (const auto& [key, v] : config.as_record()) {
    bool found = false;
    for (auto k : known)
      found = found || k == key;
    if (found)
      continue;
    std::vector<std::string> names(known.begin(), known.end());
    err = "Unknown key `" + key + "` in the " + std::string(owner) + " config; "
          + (names.empty() ? std::string("it takes no config") : unknown_name_hint(key, names));
    return false;
  }
  return true;
}

namespace {

std::string wrong_kind(std::string_view key, std::string_view owner, std::string_view want,
                       const value& got) {
  return "`" + std::string(key) + "` in the " + std::string(owner) + " config must be "
         + std::string(want) + ", not " + std::string(kind_name(got.kind()));
}

} // namespace

bool read_string(const value& config, std::string_view key, std::string_view owner,
                 std::string& out, std::string& err) {
  const value* v = config.get(key);
  if (v == nullptr)
    return true;
  if (!v->is_string()) {
    err = wrong_kind(key, owner, "a string", *v);
    return false;
  }
  out = v->as_string();
  return true;
}

bool read_bool(const value& config, std::string_view key, std::string_view owner, bool& out,
               std::string& err) {
  const value* v = config.get(key);
  if (v == nullptr)
    return true;
  if (!v->is_bool()) {
    err = wrong_kind(key, owner, "a boolean", *v);
    return false;
  }
  out = v->as_bool();
  return true;
}

bool read_u64(const value& config, std::string_view key, std::string_view owner, uint64_t& out,
              std::string& err) {
  const value* v = config.get(key);
  if (v == nullptr)
    return true;
  if (!v->get_u64(out)) {
    err = wrong_kind(key, owner, "a non-negative integer", *v);
    return false;
  }
  return true;
}

bool split_spec(const value& spec, std::string_view what, std::string& name, value& config,
                std::string& err) {
  if (spec.is_string()) {
    name = spec.as_string();
    config = value{};
    return true;
  }
  if (!spec.is_record()) {
    err = "a " + std::string(what) + " must be a name or a record with `name` and `config`, not "
          + std::string(kind_name(spec.kind()));
    return false;
  }
  const value* n = spec.get("name");
  if (n == nullptr || !n->is_string()) {
    err = "a " + std::string(what) + " record needs a string `name`";
    return false;
  }
  for (const auto& [key, v] : spec.as_record()) {
    if (key != "name" && key != "config") {
      err = "Unknown key `" + key + "` in a " + std::string(what) + " record; available: config, name";
      return false;
    }
  }
  name = n->as_string();
  const value* c = spec.get("config");
  config = c ? *c : value{};
  return true;
}

} // namespace temblor::codecs
