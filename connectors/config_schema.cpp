#include "connectors/config_schema.hpp"

#include "runtime/core/suggest.hpp"

namespace temblor::connectors {

namespace {

bool check_record(const config_schema& schema, const value& config, const std::string& where,
                  value& out, std::string& err);

bool check_field(const config_field& f, const value& v, const std::string& path, value& out,
                 std::string& err) {
  if (!f.types.accepts(v)) {
    err = "`" + path + "` must be " + f.types.describe() + ", not " +
          std::string(kind_name(v.kind()));
    return false;
  }
  if (v.is_record() && !f.fields.empty())
    return check_record(f.fields, v, path, out, err);
  out = v;
  return true;
}

bool check_record(const config_schema& schema, const value& config, const std::string& where,
                  value& out, std::string& err) {
  if (!config.is_null() && !config.is_record()) {
    err = "`" + where + "` must be a record, not " + std::string(kind_name(config.kind()));
    return false;
  }
  record filled;
  if (config.is_record()) {
    for (const auto& [key, v] : config.as_record()) {
      const config_field* field = nullptr;
      for (const auto& f : schema)
        if (f.key == key)
          field = &f;
      if (!field) {
        std::vector<std::string> names;
        for (const auto& f : schema)
          names.push_back(f.key);
        err = "unknown key `" + key + "` in `" + where + "`; " +
              (names.empty() ? std::string("it takes no keys") : unknown_name_hint(key, names));
        return false;
      }
      // null stands for "absent", as in Tremor's configs.
      if (v.is_null())
        continue;
      value checked;
      if (!check_field(*field, v, where + "." + key, checked, err))
        return false;
      filled.set(key, std::move(checked));
    }
  }
  for (const auto& f : schema) {
    if (filled.contains(f.key))
      continue;
    if (f.required) {
      err = "missing required key `" + where + "." + f.key + "` (" + f.types.describe() + ")";
      return false;
    }
    if (!f.default_value.is_null())
      filled.set(f.key, f.default_value);
  }
  out = value{std::move(filled)};
  return true;
}

std::string render_default(const config_field& f) {
  if (!f.default_doc.empty())
    return f.default_doc;
  if (f.required)
    return "required";
  const value& v = f.default_value;
  switch (v.kind()) {
    case value_kind::null: return "";
    case value_kind::boolean: return v.as_bool() ? "`true`" : "`false`";
    case value_kind::i64: return "`" + std::to_string(v.as_i64_unchecked()) + "`";
    case value_kind::u64: return "`" + std::to_string(v.as_u64_unchecked()) + "`";
    case value_kind::f64: return "`" + std::to_string(v.as_f64_unchecked()) + "`";
    case value_kind::string: return "`\"" + v.as_string() + "\"`";
    case value_kind::array: return v.as_array().empty() ? "`[]`" : "see doc";
    case value_kind::record: return v.as_record().empty() ? "`{}`" : "see doc";
    default: return "see doc";
  }
}

void markdown_rows(const config_schema& schema, const std::string& prefix, std::string& out) {
  for (const auto& f : schema) {
    out += "| `" + prefix + f.key + "` | " + f.types.describe() + " | " + render_default(f) +
           " | " + f.doc + " |\n";
    markdown_rows(f.fields, prefix + f.key + ".", out);
  }
}

} // namespace

bool value_types::accepts(const value& v) const {
  auto has = [this](bit b) { return (bits_ & b) != 0; };
  switch (v.kind()) {
    case value_kind::null: return false;
    case value_kind::boolean: return has(boolean);
    case value_kind::i64:
      return has(integer) || has(number) || (has(unsigned_int) && v.as_i64_unchecked() >= 0);
    case value_kind::u64: return has(integer) || has(number) || has(unsigned_int);
    case value_kind::f64: return has(number);
    case value_kind::string: return has(string);
    case value_kind::bytes: return false;
    case value_kind::array: return has(array);
    case value_kind::record: return has(record);
  }
  return false;
}

std::string value_types::describe() const {
  std::vector<std::string> names;
  if (bits_ & string) names.emplace_back("a string");
  if (bits_ & number) names.emplace_back("a number");
  else if (bits_ & integer) names.emplace_back("an integer");
  else if (bits_ & unsigned_int) names.emplace_back("a non-negative integer");
  if (bits_ & boolean) names.emplace_back("a boolean");
  if (bits_ & record) names.emplace_back("a record");
  if (bits_ & array) names.emplace_back("an array");
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

config_field required_key(std::string key, value_types types, std::string doc) {
  config_field f;
  f.key = std::move(key);
  f.types = types;
  f.required = true;
  f.doc = std::move(doc);
  return f;
}

config_field optional_key(std::string key, value_types types, value default_value,
                          std::string doc) {
  config_field f;
  f.key = std::move(key);
  f.types = types;
  f.default_value = std::move(default_value);
  f.doc = std::move(doc);
  return f;
}

config_field record_key(std::string key, value_types types, std::vector<config_field> fields,
                        std::string doc) {
  config_field f;
  f.key = std::move(key);
  f.types = types;
  f.fields = std::move(fields);
  f.doc = std::move(doc);
  return f;
}

bool apply_schema(const config_schema& schema, const value& config, value& out,
                  std::string& err) {
  return check_record(schema, config, "config", out, err);
}

std::string schema_markdown_rows(const config_schema& schema) {
  std::string out;
  markdown_rows(schema, "", out);
  return out;
}

} // namespace temblor::connectors
