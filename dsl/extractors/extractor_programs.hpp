#pragma once

// Private to the extractors: what each family compiles a pattern body into,
// and its compile/run entry points. dsl/extractors.cpp dispatches on the
// extractor's name; the syntax and the Tremor behaviour each family follows
// are described at the top of its .cpp file.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dsl/regex.hpp"
#include "runtime/core/value.hpp"

namespace temblor::dsl::extractors {

// -- dissect (dissect.cpp) ----------------------------------------------------

enum class dissect_conv : uint8_t { none, to_int, to_float, to_string };

struct dissect_token {
  enum class kind : uint8_t { literal, field, padding } k = kind::literal;
  std::string text;       ///< literal text, field name, or padding filler
  bool skip = false;      ///< `%{}` / `%{?name}`
  bool append = false;    ///< `%{+name}`
  bool lookup = false;    ///< `%{&name}`
  bool padded = false;    ///< `%{name->}`
  dissect_conv conv = dissect_conv::none;
};

struct dissect_program {
  std::vector<dissect_token> tokens;
};

bool compile_dissect(const std::string& body, dissect_program& p, std::string& err);
bool run_dissect(const dissect_program& p, const std::string& s, value& out);

// -- glob (glob.cpp) ----------------------------------------------------------

enum class glob_op : uint8_t { chr, any_char, any_seq, any_recursive, within, except };

struct glob_token {
  glob_op op = glob_op::chr;
  char32_t c = 0;
  std::vector<std::pair<char32_t, char32_t>> set; ///< inclusive ranges
};

struct glob_program {
  std::vector<glob_token> tokens;
};

bool compile_glob(const std::string& body, glob_program& p, std::string& err);
bool run_glob(const glob_program& p, const std::string& s);

// -- re, rerg, grok (regex_extractors.cpp) ------------------------------------

bool run_re(const regex& re, const std::string& s, value& out);
bool run_rerg(const regex& re, const std::string& s, value& out);
/// The named patterns `%{NAME}` can use (grok_patterns.cpp).
const std::map<std::string, std::string>& grok_patterns();
/// Expands `%{NAME}` / `%{NAME:field}` references into a regex for run_grok.
bool expand_grok(const std::string& in, std::string& out, std::string& err);
/// Like run_re, with fields named more than once (in alternatives) merged.
bool run_grok(const regex& re, const std::string& s, value& out);

// -- kv (kv.cpp) --------------------------------------------------------------

struct kv_program {
  std::vector<std::string> field_seps;
  std::vector<std::string> key_seps;
};

bool compile_kv(const std::string& pat, kv_program& p, std::string& err);
bool run_kv(const kv_program& p, const std::string& s, value& out);

// -- base64 (base64.cpp) ------------------------------------------------------

bool b64_decode(const std::string& in, std::string& out);
bool valid_utf8(const std::string& s);

// -- cidr (cidr.cpp) ----------------------------------------------------------

struct ip_net {
  bool v6 = false;
  std::array<uint8_t, 16> addr{}; ///< IPv4 uses the first 4 bytes
  unsigned bits = 0;
};

struct cidr_program {
  std::vector<ip_net> ranges;
};

bool compile_cidr(const std::string& body, cidr_program& p, std::string& err);
bool run_cidr(const cidr_program& p, const std::string& s, value& out);

// -- influx (influx.cpp) ------------------------------------------------------

bool run_influx(const std::string& line, value& out);

// -- shared -------------------------------------------------------------------

/// Both cidr bodies and influx lines ignore surrounding spaces and tabs.
inline std::string trim_spaces(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos)
    return "";
  size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

} // namespace temblor::dsl::extractors
