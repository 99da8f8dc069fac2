#pragma once

// One registry shape for connectors, codecs and processors: an explicit list
// filled by a register_builtin_*() function, never by static initialisers.

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/core/suggest.hpp"

namespace temblor {

template <class Descriptor>
class registry {
public:
  /// Adds a descriptor; a duplicate name is a programming error in the
  /// builtin list, so it throws at start-up rather than shadowing silently.
  void add(Descriptor d) {
    if (find(d.name) != nullptr)
      throw std::logic_error("duplicate registry entry: " + std::string(d.name));
    entries_.push_back(std::move(d));
  }

  const Descriptor* find(std::string_view name) const {
    for (const auto& d : entries_)
      if (d.name == name)
        return &d;
    return nullptr;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& d : entries_)
      out.emplace_back(d.name);
    std::sort(out.begin(), out.end());
    return out;
  }

  /// Returns the hint for an unknown `name`: a did-you-mean and the list.
  std::string hint_for(std::string_view name) const { return unknown_name_hint(name, names()); }

  const std::vector<Descriptor>& entries() const { return entries_; }

private:
  std::vector<Descriptor> entries_;
};

} // namespace temblor
