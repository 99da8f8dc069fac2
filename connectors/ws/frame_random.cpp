#include "connectors/ws/frame_random.hpp"

#include <openssl/rand.h>
#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

namespace temblor::connectors::ws {

void frame_random::refill() {
  auto* out = reinterpret_cast<unsigned char*>(pool_.data());
  const size_t size = sizeof(pool_);
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    // OpenSSL's DRBG only fails when the OS has no entropy to seed it; ask
    // the kernel directly (it blocks until seeded, which is what we want).
    size_t got = 0;
    while (got < size) {
      ssize_t n = getrandom(out + got, size - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        std::abort(); // a predictable masking key would be a silent protocol violation
      got += static_cast<size_t>(n);
    }
  }
  next_ = 0;
}

} // namespace temblor::connectors::ws
