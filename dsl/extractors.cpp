#include "dsl/extractors.hpp"

#include <memory>

#include "dsl/chrono_time.hpp"
#include "dsl/extractors/extractor_programs.hpp"
#include "dsl/json_text.hpp"

namespace temblor::dsl {

// The families live in dsl/extractors/; this file only picks one by name.
using namespace extractors;

namespace {

enum class ex_kind { dissect, glob, re, rerg, grok, json, base64, kv, cidr, influx, datetime };

struct compiled {
  ex_kind kind;
  dissect_program dissect;
  glob_program glob;
  kv_program kv;
  cidr_program cidr;
  regex re;
};

} // namespace

bool compile_extractor(pattern& p, std::string& err) {
  auto c = std::make_shared<compiled>();
  const std::string& n = p.name;
  if (n == "dissect") {
    c->kind = ex_kind::dissect;
    if (!compile_dissect(p.body, c->dissect, err))
      return false;
  } else if (n == "glob") {
    c->kind = ex_kind::glob;
    if (!compile_glob(p.body, c->glob, err))
      return false;
  } else if (n == "re" || n == "rerg") {
    c->kind = n == "re" ? ex_kind::re : ex_kind::rerg;
    if (!c->re.compile(p.body, err))
      return false;
  } else if (n == "grok") {
    c->kind = ex_kind::grok;
    std::string expanded;
    if (!expand_grok(p.body, expanded, err) || !c->re.compile(expanded, err))
      return false;
  } else if (n == "json") {
    c->kind = ex_kind::json;
  } else if (n == "base64") {
    c->kind = ex_kind::base64;
  } else if (n == "kv") {
    c->kind = ex_kind::kv;
    if (!compile_kv(p.body, c->kv, err))
      return false;
  } else if (n == "cidr") {
    c->kind = ex_kind::cidr;
    if (!compile_cidr(p.body, c->cidr, err))
      return false;
  } else if (n == "influx") {
    c->kind = ex_kind::influx;
  } else if (n == "datetime") {
    c->kind = ex_kind::datetime;
  } else {
    err = "Unsupported extractor " + n;
    return false;
  }
  p.compiled = c;
  return true;
}

bool run_extractor(const pattern& p, const value& in, value& out) {
  auto* c = static_cast<const compiled*>(p.compiled.get());
  // Tremor's extractors only look at strings; bytes and the rest never match.
  const std::string* s = in.is_string() ? &in.as_string() : nullptr;
  if (!c || !s)
    return false;
  switch (c->kind) {
    case ex_kind::dissect: return run_dissect(c->dissect, *s, out);
    case ex_kind::glob:
      // A glob captures nothing; Tremor yields `true` for a match.
      if (!run_glob(c->glob, *s))
        return false;
      out = value(true);
      return true;
    case ex_kind::re: return run_re(c->re, *s, out);
    case ex_kind::rerg: return run_rerg(c->re, *s, out);
    case ex_kind::grok: return run_grok(c->re, *s, out);
    case ex_kind::json: {
      std::string err;
      return from_json(*s, out, err);
    }
    case ex_kind::base64: {
      std::string d;
      if (!b64_decode(*s, d) || !valid_utf8(d))
        return false;
      out = value(std::move(d));
      return true;
    }
    case ex_kind::kv: return run_kv(c->kv, *s, out);
    case ex_kind::cidr: return run_cidr(c->cidr, *s, out);
    case ex_kind::influx: return run_influx(*s, out);
    case ex_kind::datetime: {
      // chrono's parser, as Tremor's: offsets (%z, %:z) are folded into UTC.
      int64_t ns = 0;
      std::string err;
      if (!chrono_time::parse(*s, p.body, ns, err))
        return false;
      out = value(static_cast<long long>(ns));
      return true;
    }
  }
  return false;
}

} // namespace temblor::dsl
