#include "tools/temblor/harness/discovery.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "tools/temblor/harness/glob.hpp"
#include "tools/temblor/harness/yaml_file.hpp"

namespace temblor::harness {

namespace fs = std::filesystem;

namespace {

// Deep enough for any real suite, shallow enough that a symlink farm cannot
// make discovery crawl the disk.
constexpr int max_depth = 12;

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool hidden(const fs::path& p) {
  auto name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// Every directory below `base` (not `base` itself), as relative paths.
std::vector<std::string> sub_directories(const fs::path& base) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it{base, fs::directory_options::skip_permission_denied, ec};
  for (; !ec && it != fs::recursive_directory_iterator{}; it.increment(ec)) {
    if (it.depth() >= max_depth || hidden(it->path())) {
      it.disable_recursion_pending();
      if (hidden(it->path()))
        continue;
    }
    std::error_code dir_ec;
    if (it->is_directory(dir_ec))
      out.push_back(it->path().lexically_relative(base).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every file named `name` at or below `base`, sorted.
std::vector<fs::path> files_named(const fs::path& base, const std::string& name) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(base / name, ec))
    out.push_back(base / name);
  fs::recursive_directory_iterator it{base, fs::directory_options::skip_permission_denied, ec};
  for (; !ec && it != fs::recursive_directory_iterator{}; it.increment(ec)) {
    if (hidden(it->path()) || it.depth() >= max_depth) {
      it.disable_recursion_pending();
      if (hidden(it->path()))
        continue;
    }
    std::error_code file_ec;
    if (it->path().filename() == name && it->is_regular_file(file_ec))
      out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool has_troy_files(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it{dir, ec}; !ec && it != fs::directory_iterator{};
       it.increment(ec))
    if (it->path().extension() == ".troy" && it->is_regular_file(ec))
      return true;
  return false;
}

std::string relative_name(const fs::path& p, const fs::path& root) {
  auto rel = p.lexically_relative(root).generic_string();
  if (rel.empty() || rel == ".")
    return root.filename().string();
  return rel;
}

struct meta_info {
  test_kind kind = test_kind::integration;
  std::vector<std::string> includes{"*"};
};

std::optional<meta_info> read_meta(const fs::path& path, std::string& error) {
  auto node = load_yaml_file(path.string(), error);
  if (!node)
    return std::nullopt;
  if (!node->IsMap()) {
    error = path.string() + ": expected a map with `kind` and `includes`";
    return std::nullopt;
  }
  meta_info meta;
  if (auto kind = (*node)["kind"]) {
    std::string e;
    auto word = scalar_string(kind, "kind", e);
    auto parsed = e.empty() ? parse_test_kind(word) : std::nullopt;
    if (!parsed || *parsed == test_kind::all) {
      error = path.string() + ": unknown kind `" + word +
              "` (expected Integration, Bench, Command or Unit)";
      return std::nullopt;
    }
    meta.kind = *parsed;
  }
  if (auto inc = (*node)["includes"]) {
    std::string e;
    meta.includes = scalar_list(inc, "includes", e);
    if (!e.empty()) {
      error = path.string() + ": " + e;
      return std::nullopt;
    }
  }
  return meta;
}

} // namespace

std::optional<test_kind> parse_test_kind(std::string_view word) {
  auto w = lower(word);
  if (w == "all")
    return test_kind::all;
  if (w == "integration")
    return test_kind::integration;
  if (w == "bench")
    return test_kind::bench;
  if (w == "command")
    return test_kind::command;
  if (w == "unit")
    return test_kind::unit;
  return std::nullopt;
}

std::string to_string(test_kind kind) {
  switch (kind) {
    case test_kind::all:
      return "all";
    case test_kind::integration:
      return "integration";
    case test_kind::bench:
      return "bench";
    case test_kind::command:
      return "command";
    case test_kind::unit:
      return "unit";
  }
  return "?";
}

std::vector<std::string> read_tags_file(const std::string& path, std::string& error) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return {};
  auto node = load_yaml_file(path, error);
  if (!node)
    return {};
  std::string e;
  auto tags = scalar_list(*node, "tags", e);
  if (!e.empty())
    error = path + ": " + e;
  return tags;
}

std::vector<std::string> collect_tags(const std::string& root, const std::string& test_dir,
                                      std::vector<std::string>& errors) {
  std::vector<std::string> tags;
  auto add = [&](const std::string& t) {
    if (std::find(tags.begin(), tags.end(), t) == tags.end())
      tags.push_back(t);
  };
  fs::path base{root};
  fs::path dir{test_dir};
  std::vector<fs::path> chain;
  auto rel = dir.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") {
    chain.push_back(dir);
  } else {
    fs::path cur = base;
    chain.push_back(cur);
    for (const auto& part : rel) {
      if (part == ".")
        continue;
      cur /= part;
      chain.push_back(cur);
    }
  }
  for (const auto& d : chain) {
    std::string e;
    for (const auto& t : read_tags_file((d / "tags.yaml").string(), e))
      add(t);
    if (!e.empty())
      errors.push_back(e);
  }
  add(dir.filename().string());
  return tags;
}

discovery discover_tests(const std::string& root_str, test_kind mode) {
  discovery result;
  fs::path root = fs::path{root_str}.lexically_normal();
  if (root.filename().empty())
    root = root.parent_path();
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    result.errors.push_back(root.string() + ": no such file or directory");
    return result;
  }
  auto wants = [&](test_kind k) { return mode == test_kind::all || mode == k; };
  std::set<std::string> seen;
  auto add_test = [&](test_kind kind, const fs::path& dir, const fs::path& file) {
    auto key = to_string(kind) + ":" + dir.string() + ":" + file.string();
    if (!seen.insert(key).second)
      return;
    discovered_test t;
    t.kind = kind;
    t.dir = dir.string();
    t.file = file.string();
    t.name = file.empty() ? relative_name(dir, root)
                          : relative_name(file, fs::is_directory(root, ec) ? root
                                                                          : root.parent_path());
    t.tags = collect_tags(root.string(), dir.string(), result.errors);
    result.tests.push_back(std::move(t));
  };

  if (fs::is_regular_file(root, ec)) {
    if (root.filename() == "command.yml" && wants(test_kind::command))
      add_test(test_kind::command, root.parent_path(), root);
    else
      result.errors.push_back(root.string() + ": not a test directory or command.yml");
    return result;
  }

  auto metas = files_named(root, "meta.yaml");
  if (metas.empty()) {
    if (has_troy_files(root) && mode != test_kind::command && mode != test_kind::unit) {
      result.single = true;
      add_test(mode == test_kind::all ? test_kind::integration : mode, root, {});
    } else if (wants(test_kind::command)) {
      for (const auto& f : files_named(root, "command.yml"))
        add_test(test_kind::command, f.parent_path(), f);
    }
    return result;
  }

  for (const auto& meta_path : metas) {
    std::string error;
    auto meta = read_meta(meta_path, error);
    if (!meta) {
      result.errors.push_back(error);
      continue;
    }
    if (!wants(meta->kind))
      continue;
    auto base = meta_path.parent_path();
    auto dirs = sub_directories(base);
    std::vector<fs::path> matched;
    for (const auto& rel : dirs)
      for (const auto& pattern : meta->includes)
        if (glob_match(pattern, rel)) {
          matched.push_back(base / rel);
          break;
        }
    switch (meta->kind) {
      case test_kind::integration:
      case test_kind::bench:
        for (const auto& d : matched)
          if (fs::is_regular_file(d / "tags.yaml", ec))
            add_test(meta->kind, d, {});
        break;
      case test_kind::command:
      case test_kind::unit: {
        auto name = meta->kind == test_kind::command ? "command.yml" : "all.tremor";
        if (fs::is_regular_file(base / name, ec))
          add_test(meta->kind, base, base / name);
        for (const auto& d : matched)
          if (fs::is_regular_file(d / name, ec))
            add_test(meta->kind, d, d / name);
        break;
      }
      case test_kind::all:
        break;
    }
  }
  return result;
}

} // namespace temblor::harness
