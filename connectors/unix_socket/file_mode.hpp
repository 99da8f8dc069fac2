#pragma once

// unix_socket_server's `permissions`: chmod's notation, octal ("=600",
// "600", "0660") or symbolic ("u=rw,g=r", "go-rwx", "a+w"), applied to
// the mode the socket file is created with.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace temblor::connectors::unix_socket {

class file_mode {
public:
  /// Parses `text`; false with `err` pointing at the first bad character.
  static bool parse(std::string_view text, file_mode& out, std::string& err);

  /// Returns `base` (permission bits) changed as the text says.
  uint32_t apply(uint32_t base) const;

private:
  struct step {
    uint32_t who = 0;   ///< the bits the clause may touch (u, g, o masks)
    char op = '=';      ///< '+', '-' or '='
    uint32_t perms = 0; ///< rwx in all three positions, masked by `who`
  };
  std::vector<step> steps_;
};

} // namespace temblor::connectors::unix_socket
