#include "runtime/api/stats_view.hpp"

namespace temblor::api {

namespace {

uint64_t load(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }

value ports_value(const std::vector<std::unique_ptr<port_count>>& ports) {
  record out;
  for (const auto& p : ports) {
    uint64_t n = load(p->events);
    if (p->port != "other" || n)
      out.set(p->port, value{n});
  }
  return value{std::move(out)};
}

} // namespace

value stats_value(const std::string& instance, uint64_t time_ns,
                  const std::vector<std::shared_ptr<stage_stats>>& stages) {
  array list;
  for (const auto& s : stages) {
    const std::string& alias = s->alias();
    auto pos = alias.rfind("::");
    record counters;
    for (const auto& [name, n] : s->named_ptr()->snapshot())
      counters.set(name, value{n});
    bool connector = s->what() == stage_stats::kind::connector;
    list.push_back(value{record{
      {"flow", s->flow()},
      {"alias", pos == std::string::npos ? alias : alias.substr(pos + 2)},
      {"kind", connector ? "connector" : "pipeline"},
      {"type", s->type()},
      {"in", ports_value(s->inputs())},
      {"out", ports_value(s->outputs())},
      {"acks", value{load(s->acks)}},
      {"fails", value{load(s->fails)}},
      {"bytes_in", value{load(s->bytes_in)}},
      {"bytes_out", value{load(s->bytes_out)}},
      {"errors", value{load(s->errors)}},
      {"dropped", value{load(s->dropped)}},
      {"reconnects", value{load(s->reconnects)}},
      {"connected", value{load(s->connected)}},
      {"open", value{load(s->open)}},
      {"counters", value{std::move(counters)}},
    }});
  }
  return value{record{{"instance", instance},
                      {"time_ns", value{time_ns}},
                      {"stages", value{std::move(list)}}}};
}

} // namespace temblor::api
