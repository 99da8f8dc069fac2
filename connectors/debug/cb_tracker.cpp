#include "connectors/debug/cb_tracker.hpp"

namespace temblor::connectors {

namespace {

std::string render_set(const std::set<uint64_t>& ids) {
  std::string out = "{";
  bool first = true;
  for (auto id : ids) {
    if (!first)
      out += ", ";
    first = false;
    out += std::to_string(id);
  }
  return out + "}";
}

} // namespace

bool cb_tracker::covered(uint64_t id) const {
  if (acks_.count(id) || fails_.count(id))
    return true;
  if (!expect_batched_)
    return false;
  auto a = acks_.lower_bound(id);
  auto f = fails_.lower_bound(id);
  return a != acks_.end() || f != fails_.end();
}

bool cb_tracker::complete() const {
  if (!any_)
    return true;
  for (uint64_t id = 0; id <= last_; ++id)
    if (!covered(id))
      return false;
  return true;
}

std::string cb_tracker::report() const {
  std::string out;
  if (complete())
    out += "All required CB events received.\n";
  else
    out += "Expected CB events up to id " + std::to_string(last_) + ".\n";
  out += "Got acks: " + render_set(acks_) + "\n";
  out += "Got fails: " + render_set(fails_) + "\n";
  return out;
}

} // namespace temblor::connectors
