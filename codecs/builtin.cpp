// THE list of builtin codecs. Adding one: write codecs/<name>.{hpp,cpp}, add
// a line here and one in codecs/CMakeLists.txt, and a test.

#include "codecs/binary.hpp"
#include "codecs/codec.hpp"
#include "codecs/config.hpp"
#include "codecs/csv.hpp"
#include "codecs/influx.hpp"
#include "codecs/json.hpp"
#include "codecs/msgpack.hpp"
#include "codecs/null.hpp"
#include "codecs/statsd.hpp"
#include "codecs/string.hpp"
#include "codecs/syslog.hpp"
#include "codecs/yaml.hpp"

namespace temblor::codecs {

namespace {

codec_registry make_builtin_codecs() {
  codec_registry r;
  r.add({"json", "JSON text <-> values; config {\"mode\": \"unsorted\" | \"sorted\"}",
         make_json_codec});
  r.add({"json-sorted", "0.12 name for json with mode sorted", make_json_sorted_codec});
  r.add({"string", "UTF-8 text <-> string; other values encode as JSON", make_string_codec});
  r.add({"binary", "raw bytes <-> bytes; strings raw, other values as JSON", make_binary_codec});
  r.add({"csv", "one RFC 4180 record <-> array of strings; config {\"delimiter\": \",\"}",
         make_csv_codec});
  r.add({"influx", "InfluxDB line protocol <-> {measurement, tags, fields, timestamp}",
         make_influx_codec});
  r.add({"msgpack", "MessagePack <-> values", make_msgpack_codec});
  r.add({"statsd", "statsd lines <-> {type, metric, value, sample_rate, action}",
         make_statsd_codec});
  r.add({"syslog", "RFC 5424 / RFC 3164 lines <-> Tremor's syslog record", make_syslog_codec});
  r.add({"yaml", "one YAML document <-> a value", make_yaml_codec});
  r.add({"null", "drops input; encodes every value as nothing", make_null_codec});
  return r;
}

} // namespace

const codec_registry& builtin_codecs() {
  // A function-local static: filled once, thread-safe, and never dropped by
  // the linker the way self-registering statics in a static library are.
  static const codec_registry registry = make_builtin_codecs();
  return registry;
}

std::unique_ptr<codec> make_codec(const value& spec, std::string& err) {
  std::string name;
  value config;
  if (!split_spec(spec, "codec", name, config, err))
    return nullptr;
  const auto& reg = builtin_codecs();
  const codec_descriptor* d = reg.find(name);
  if (d == nullptr) {
    err = "Unknown codec " + name + "; " + reg.hint_for(name);
    return nullptr;
  }
  try {
    return d->make(config, err);
  } catch (const std::exception& e) {
    err = "codec " + name + " could not be built: " + e.what();
    return nullptr;
  }
}

} // namespace temblor::codecs
