#include "connectors/dns/dns_request.hpp"

namespace temblor::connectors::dns {

bool read_lookup(const value& meta, lookup_request& out, std::string& err) {
  const value* dns = meta.get("dns");
  const value* lookup = dns ? dns->get("lookup") : nullptr;
  if (lookup == nullptr) {
    err = "the event has no `$dns.lookup` (a name, or {\"name\": …, \"type\": …})";
    return false;
  }
  if (lookup->is_string()) {
    out.name = lookup->as_string();
    out.type.reset();
    return true;
  }
  if (!lookup->is_record()) {
    err = "`$dns.lookup` must be a name or {\"name\": …, \"type\": …}, not " +
          std::string(kind_name(lookup->kind()));
    return false;
  }
  const value* name = lookup->get("name");
  if (name == nullptr || !name->is_string()) {
    err = "`$dns.lookup` has no `name` (a string)";
    return false;
  }
  out.name = name->as_string();
  out.type.reset();
  if (const value* type = lookup->get("type"); type != nullptr && !type->is_null()) {
    auto code = type->is_string() ? record_type_from_name(type->as_string()) : std::nullopt;
    if (!code) {
      err = "Invalid or unsupported record type: " +
            (type->is_string() ? type->as_string() : std::string(kind_name(type->kind())));
      return false;
    }
    out.type = code;
  }
  return true;
}

} // namespace temblor::connectors::dns
