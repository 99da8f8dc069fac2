#pragma once

// `temblor completions bash|zsh|fish`: a completion script for the shell.

#include <string>

namespace temblor::devtools {

/// Returns the script for `shell`; false when the shell is not one we know.
bool completion_script(const std::string& shell, std::string& out);

} // namespace temblor::devtools
