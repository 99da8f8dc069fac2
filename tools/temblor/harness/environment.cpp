#include "tools/temblor/harness/environment.hpp"

#include <cctype>

extern char** environ;

namespace temblor::harness {

namespace {

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

} // namespace

environment environment::from_current() {
  environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry{*e};
    auto eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0)
      continue;
    env.vars_.emplace(std::string{entry.substr(0, eq)}, std::string{entry.substr(eq + 1)});
  }
  return env;
}

void environment::set(const std::string& key, std::string value) {
  vars_[key] = std::move(value);
}

void environment::unset(const std::string& key) {
  vars_.erase(key);
}

std::optional<std::string> environment::get(const std::string& key) const {
  auto i = vars_.find(key);
  if (i == vars_.end())
    return std::nullopt;
  return i->second;
}

std::vector<std::string> environment::to_strings() const {
  std::vector<std::string> out;
  out.reserve(vars_.size());
  for (const auto& [k, v] : vars_)
    out.push_back(k + "=" + v);
  return out;
}

std::string substitute_vars(std::string_view arg, const environment& env,
                            const std::string& pwd) {
  std::string out;
  out.reserve(arg.size());
  size_t i = 0;
  while (i < arg.size()) {
    char c = arg[i];
    if (c != '$' || i + 1 >= arg.size()) {
      out.push_back(c);
      ++i;
      continue;
    }
    bool braced = arg[i + 1] == '{';
    size_t start = i + (braced ? 2 : 1);
    size_t end = start;
    if (end < arg.size() && is_name_start(arg[end])) {
      ++end;
      while (end < arg.size() && is_name_char(arg[end]))
        ++end;
    }
    if (end == start || (braced && (end >= arg.size() || arg[end] != '}'))) {
      out.push_back(c);
      ++i;
      continue;
    }
    std::string name{arg.substr(start, end - start)};
    size_t next = braced ? end + 1 : end;
    if (name == "PWD") {
      out += pwd;
    } else if (auto v = env.get(name)) {
      out += *v;
    } else {
      out.append(arg.substr(i, next - i));
    }
    i = next;
  }
  return out;
}

} // namespace temblor::harness
