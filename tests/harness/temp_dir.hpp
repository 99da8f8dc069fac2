#pragma once

// A fresh directory under /tmp for one test case, removed afterwards.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace temblor::harness::test {

class temp_dir {
public:
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "harness-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : std::string{};
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

  /// Writes `content` to `rel`, creating parent directories.
  std::string write(const std::string& rel, const std::string& content) const {
    auto p = std::filesystem::path{path_} / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out{p, std::ios::binary | std::ios::trunc};
    out << content;
    return p.string();
  }

  std::string read(const std::string& rel) const {
    std::ifstream in{std::filesystem::path{path_} / rel, std::ios::binary};
    return std::string{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  }

private:
  std::string path_;
};

} // namespace temblor::harness::test
