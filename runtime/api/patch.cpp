#include "runtime/api/patch.hpp"

namespace temblor::api {

bool plan_patch(const value& body, const std::string& what, const std::string& current,
                patch_action& action, reply& error) {
  const value* status = body.is_record() ? body.get("status") : nullptr;
  if (!status || !status->is_string()) {
    error = error_reply(400, "Invalid body: expected {\"status\": \"paused\"} or {\"status\": \"running\"}");
    return false;
  }
  const std::string& desired = status->as_string();
  if (desired != "paused" && desired != "running") {
    error = error_reply(400, "Invalid status \"" + desired + "\": expected \"paused\" or \"running\"");
    return false;
  }
  if (desired == current) {
    action = patch_action::none;
    return true;
  }
  if (current == "running" && desired == "paused") {
    action = patch_action::pause;
    return true;
  }
  if (current == "paused" && desired == "running") {
    action = patch_action::resume;
    return true;
  }
  error = error_reply(400, "Cannot patch status of " + what + " from " + current + " to " + desired);
  return false;
}

} // namespace temblor::api
