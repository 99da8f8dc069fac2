#include "runtime/connector/blocking_pull.hpp"

namespace temblor {

bool blocking_pull::run(uint64_t now_ns) {
  std::vector<context_call> calls;
  bool more = false;
  try {
    more = impl->pull();
  } catch (...) {
    context->release(calls);
    throw;
  }
  context->take_held(calls);
  if (decoders)
    decoders->decode_ahead(calls, now_ns);
  context->release(calls);
  return more;
}

} // namespace temblor
