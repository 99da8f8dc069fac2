#include "dsl/interpreter.hpp"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <limits>
#include <map>

#include "dsl/extractors.hpp"
#include "dsl/json_text.hpp"

namespace temblor::dsl {

namespace {

// 128-bit intermediates make overflow checks on i64/u64 arithmetic exact.
__extension__ typedef __int128 i128;

// Calls nested deeper than this fail cleanly instead of exhausting the stack.
constexpr int max_call_depth = 128;
// `recur` iterations allowed per call: Tremor's default recursion limit,
// or what `server run -r` set.
uint64_t recursion_limit = 1024;

status fail(eval_ctx& c, const source_span& s, std::string msg) {
  c.err.span = s;
  c.err.message = std::move(msg);
  c.err.first_line = c.err.last_line = 0;
  c.err.note.clear();
  return status::error;
}

// Widens the report of the error `st` to the lines of `outer`.
status within(eval_ctx& c, const source_span& outer, status st) {
  c.err.first_line = outer.begin.line;
  c.err.last_line = outer.end.line;
  return st;
}

// An error whose report shows the lines of the enclosing `outer` expression.
status fail_in(eval_ctx& c, const source_span& outer, const source_span& s, std::string msg) {
  return within(c, outer, fail(c, s, std::move(msg)));
}

// An error whose report shows two lines of context around the span.
status fail_with_context(eval_ctx& c, const source_span& s, std::string msg) {
  fail(c, s, std::move(msg));
  c.err.first_line = s.begin.line > 2 ? s.begin.line - 2 : 1;
  c.err.last_line = s.end.line + 2;
  return status::error;
}

// The type names of Tremor's error texts ("boolean" where type::as_string
// says "bool").
std::string error_type_name(const value& v) { return v.is_bool() ? "boolean" : type_name(v); }

// Tremor's TypeConflict text: "Conflicting types, got string but expected
// record" (several expected types read "one of a, b").
status type_conflict(eval_ctx& c, const source_span& s, const value& got, const char* expected) {
  return fail(c, s, "Conflicting types, got " + error_type_name(got) + " but expected " + expected);
}

#define TEMBLOR_TRY(x)                                                                                     \
  do {                                                                                             \
    status s_ = (x);                                                                               \
    if (s_ != status::ok)                                                                          \
      return s_;                                                                                   \
  } while (0)

const value null_value;

thread_local const eval_ctx* current_ctx = nullptr;

value* find_local(eval_ctx& c, const std::string& name) {
  for (auto it = c.locals.rbegin(); it != c.locals.rend(); ++it)
    if (it->first == name)
      return &it->second;
  return nullptr;
}

void set_local(eval_ctx& c, const std::string& name, value v) {
  if (value* l = find_local(c, name))
    *l = std::move(v);
  else
    c.locals.emplace_back(name, std::move(v));
}

const char* root_word(path_root r) {
  switch (r) {
    case path_root::event: return "event";
    case path_root::meta: return "meta";
    case path_root::state: return "state";
    // Tremor reports every other path (reserved names, expressions) as
    // local.
    case path_root::args:
    case path_root::group:
    case path_root::window:
    case path_root::local:
    case path_root::expr:
    case path_root::constant: return "local";
  }
  return "";
}

status eval_ref(const expr& e, eval_ctx& c, value& tmp, const value*& out);

status missing_key(eval_ctx& c, const expr& e, const source_span& s, const std::string& key) {
  return fail(c, s,
              std::string("Trying to access a non existing ") + root_word(e.root) + " key `" + key +
                "`");
}

// Tremor's texts for a bad array index: a negative one is a "Bad array
// index", one past the end is "out of bounds"; both name the valid range.
status bad_index(eval_ctx& c, const source_span& s, int64_t i, size_t len) {
  if (i < 0)
    return fail(c, s, "Bad array index, got `" + std::to_string(i) +
                        "` but expected an index in the range 0:" + std::to_string(len));
  return fail(c, s, "Array index out of bounds, got index " + std::to_string(i) +
                      " but expected an index in the range 0:" + std::to_string(len));
}

// Resolves a segment against `cur` (the result may live in `tmp`). Errors
// point at the segment that failed (the key, the index, the range), not at
// the whole path, as Tremor's do.
status step(const expr& e, const segment& seg, eval_ctx& c, const value* cur, value& tmp,
            const value*& out) {
  if (seg.k == segment::kind::field) {
    if (!cur->is_record())
      return type_conflict(c, seg.span, *cur, "record");
    const value* v = cur->as_record().find(seg.name);
    if (!v)
      return missing_key(c, e, seg.span, seg.name);
    out = v;
    return status::ok;
  }
  value itmp;
  const value* idx = nullptr;
  TEMBLOR_TRY(eval_ref(*seg.a, c, itmp, idx));
  if (seg.k == segment::kind::index) {
    // The index's type decides what it needs: a string key a record, an
    // integer an array.
    if (idx->is_string()) {
      if (!cur->is_record())
        return type_conflict(c, seg.span, *cur, "record");
      const value* v = cur->as_record().find(idx->as_string());
      if (!v)
        return missing_key(c, e, seg.span, idx->as_string());
      out = v;
      return status::ok;
    }
    int64_t i = 0;
    if (!idx->get_i64(i)) {
      if (cur->is_record())
        return type_conflict(c, seg.span, *idx, "string");
      if (cur->is_array())
        return type_conflict(c, seg.span, *idx, "integer");
      return type_conflict(c, seg.span, *idx, "one of integer, string");
    }
    if (!cur->is_array())
      return type_conflict(c, seg.span, *cur, "array");
    const auto& a = cur->as_array();
    if (i < 0 || static_cast<size_t>(i) >= a.size())
      return bad_index(c, seg.span, i, a.size());
    out = &a[static_cast<size_t>(i)];
    return status::ok;
  }
  value etmp;
  const value* end = nullptr;
  TEMBLOR_TRY(eval_ref(*seg.b, c, etmp, end));
  int64_t b = 0, en = 0;
  if (!idx->get_i64(b))
    return type_conflict(c, seg.a->span, *idx, "integer");
  if (!end->get_i64(en))
    return type_conflict(c, seg.b->span, *end, "integer");
  if (!cur->is_array())
    return type_conflict(c, seg.span, *cur, "array");
  const auto& a = cur->as_array();
  if (b < 0)
    return bad_index(c, seg.a->span, b, a.size());
  if (en < b)
    return fail(c, seg.span, "A range's end cannot be smaller than its start, " +
                               std::to_string(b) + ":" + std::to_string(en) + " is invalid");
  if (static_cast<size_t>(en) > a.size())
    return fail(c, seg.span, "Array index out of bounds, got index range " + std::to_string(b) +
                               ":" + std::to_string(en) + " but expected a subrange of 0:" +
                               std::to_string(a.size()));
  tmp = value(array(a.begin() + b, a.begin() + en));
  out = &tmp;
  return status::ok;
}

status path_root_ref(const expr& e, eval_ctx& c, value& tmp, const value*& out) {
  switch (e.root) {
    case path_root::event: out = c.event ? c.event : &null_value; return status::ok;
    case path_root::meta: out = c.meta ? c.meta : &null_value; return status::ok;
    case path_root::state: out = c.state ? c.state : &null_value; return status::ok;
    case path_root::args: out = c.args ? c.args : &null_value; return status::ok;
    case path_root::group: out = c.group ? c.group : &null_value; return status::ok;
    case path_root::window: out = c.window ? c.window : &null_value; return status::ok;
    case path_root::local:
      if (value* l = find_local(c, e.root_name)) {
        out = l;
        return status::ok;
      }
      if (e.constant) {
        out = e.constant;
        return status::ok;
      }
      return fail(c, e.span, "Trying to access a non existing local key `" + e.root_name + "`");
    case path_root::constant:
      if (e.constant) {
        out = e.constant;
        return status::ok;
      }
      return fail(c, e.span, "Unknown constant `" + e.root_name + "`");
    case path_root::expr: return eval_ref(*e.items[0], c, tmp, out);
  }
  return status::error;
}

status path_ref(const expr& e, eval_ctx& c, value& tmp, const value*& out) {
  const value* cur = nullptr;
  TEMBLOR_TRY(path_root_ref(e, c, tmp, cur));
  for (const auto& seg : e.segments) {
    const value* next = nullptr;
    value stmp;
    TEMBLOR_TRY(step(e, seg, c, cur, stmp, next));
    if (next == &stmp) {
      tmp = std::move(stmp);
      next = &tmp;
    }
    cur = next;
  }
  out = cur;
  return status::ok;
}

status eval_ref(const expr& e, eval_ctx& c, value& tmp, const value*& out) {
  if (e.kind == expr_kind::path)
    return path_ref(e, c, tmp, out);
  if (e.kind == expr_kind::literal) {
    out = &e.lit;
    return status::ok;
  }
  TEMBLOR_TRY(eval(e, c, tmp));
  out = &tmp;
  return status::ok;
}

// -- arithmetic ---------------------------------------------------------------

bool as_i128(const value& v, i128& out) {
  int64_t i = 0;
  uint64_t u = 0;
  if (v.get_i64(i)) {
    out = i;
    return true;
  }
  if (v.get_u64(u)) {
    out = u;
    return true;
  }
  return false;
}

bool from_i128(i128 r, value& out) {
  if (r >= INT64_MIN && r <= INT64_MAX) {
    out = value(static_cast<long long>(r));
    return true;
  }
  if (r > 0 && r <= static_cast<i128>(UINT64_MAX)) {
    out = value(static_cast<unsigned long long>(r));
    return true;
  }
  return false;
}

status binop_error(eval_ctx& c, const source_span& s, op_code op, const value& a,
                   const value& b) {
  return fail(c, s,
              std::string("The binary operation `") + op_text(op) +
                "` is not defined for the type `" + error_type_name(a) + "` and `" + error_type_name(b) + "`");
}

status int_arith(const source_span& s, op_code op, eval_ctx& c, const value& a, const value& b,
                 value& out) {
  i128 x = 0, y = 0, r = 0;
  as_i128(a, x);
  as_i128(b, y);
  switch (op) {
    // Two 64-bit values cannot overflow 128 bits; the range check below
    // catches what does not fit 64.
    case op_code::add: r = x + y; break;
    case op_code::sub: r = x - y; break;
    case op_code::mul: r = x * y; break;
    case op_code::div: {
      if (y == 0)
        return fail(c, s, "Division by zero");
      double fx = 0, fy = 0;
      a.get_f64(fx);
      b.get_f64(fy);
      out = value(fx / fy);
      return status::ok;
    }
    case op_code::mod:
      if (y == 0)
        return fail(c, s, "Division by zero");
      r = x % y;
      break;
    case op_code::bit_and: r = x & y; break;
    case op_code::bit_xor: r = x ^ y; break;
    case op_code::shl:
    case op_code::shr:
    case op_code::ushr: {
      if (y < 0 || y > 63)
        return fail(c, s, "RHS value is larger than or equal to the number of bits in LHS value");
      int sh = static_cast<int>(y);
      bool unsigned_lhs = a.kind() == value_kind::u64;
      uint64_t ux = static_cast<uint64_t>(x);
      if (op == op_code::shl)
        r = unsigned_lhs ? static_cast<i128>(ux << sh)
                         : static_cast<i128>(static_cast<int64_t>(ux << sh));
      else if (op == op_code::shr)
        r = unsigned_lhs ? static_cast<i128>(ux >> sh)
                         : static_cast<i128>(static_cast<int64_t>(x) >> sh);
      else
        r = static_cast<i128>(ux >> sh);
      break;
    }
    default: return binop_error(c, s, op, a, b);
  }
  if (!from_i128(r, out))
    return fail(c, s, "Arithmetic overflow");
  return status::ok;
}

status float_arith(const source_span& s, op_code op, eval_ctx& c, const value& a, const value& b,
                   value& out) {
  double x = 0, y = 0;
  a.get_f64(x);
  b.get_f64(y);
  switch (op) {
    case op_code::add: out = value(x + y); return status::ok;
    case op_code::sub: out = value(x - y); return status::ok;
    case op_code::mul: out = value(x * y); return status::ok;
    case op_code::div:
      if (y == 0)
        return fail(c, s, "Division by zero");
      out = value(x / y);
      return status::ok;
    case op_code::mod:
      if (y == 0)
        return fail(c, s, "Division by zero");
      out = value(std::fmod(x, y));
      return status::ok;
    default: return binop_error(c, s, op, a, b);
  }
}

// `+` on strings and bytes (Tremor 0.12 has no `+` for arrays or records).
bool concat(const value& a, const value& b, value& out) {
  if (a.is_string() && b.is_string()) {
    out = value(a.as_string() + b.as_string());
    return true;
  }
  if (a.is_bytes() && b.is_bytes()) {
    out = value(bytes{a.as_bytes().data + b.as_bytes().data});
    return true;
  }
  return false;
}

// The arithmetic and bitwise operators (`+`, `-`, `*`, `/`, `%`, `&`, `^`,
// shifts) applied to `a` and `b`; errors point at `s`.
status arith(const source_span& s, op_code op, eval_ctx& c, const value& a, const value& b,
             value& out) {
  if (a.is_integer() && b.is_integer())
    return int_arith(s, op, c, a, b, out);
  if (a.is_number() && b.is_number())
    return float_arith(s, op, c, a, b, out);
  if (op == op_code::add && concat(a, b, out))
    return status::ok;
  if ((op == op_code::bit_and || op == op_code::bit_xor) && a.is_bool() && b.is_bool()) {
    out = value(op == op_code::bit_and ? (a.as_bool() && b.as_bool())
                                       : (a.as_bool() != b.as_bool()));
    return status::ok;
  }
  return binop_error(c, s, op, a, b);
}

status compare_op(const source_span& s, op_code op, eval_ctx& c, const value& a, const value& b,
                  bool& r) {
  int cmp = 0;
  if (a.is_number() && b.is_number()) {
    cmp = compare(a, b);
  } else if (a.get_text() && b.get_text()) {
    int x = a.get_text()->compare(*b.get_text());
    cmp = x < 0 ? -1 : (x > 0 ? 1 : 0);
  } else if (a.is_bool() && b.is_bool()) {
    cmp = compare(a, b);
  } else {
    return binop_error(c, s, op, a, b);
  }
  switch (op) {
    case op_code::lt: r = cmp < 0; break;
    case op_code::le: r = cmp <= 0; break;
    case op_code::gt: r = cmp > 0; break;
    default: r = cmp >= 0; break;
  }
  return status::ok;
}

// `and` / `or`: the right side runs only when the left does not decide.
status eval_logical(const expr& e, eval_ctx& c, value& out) {
  value t;
  const value* v = nullptr;
  for (size_t side = 0; side < 2; ++side) {
    TEMBLOR_TRY(eval_ref(*e.items[side], c, t, v));
    if (!v->is_bool())
      return fail(c, e.items[side]->span,
                  std::string("The binary operation `") + op_text(e.op) +
                    "` is not defined for the type `" + error_type_name(*v) + "`");
    bool decided = e.op == op_code::and_ ? !v->as_bool() : v->as_bool();
    if (decided || side == 1) {
      out = value(v->as_bool());
      return status::ok;
    }
  }
  return status::ok;
}

status eval_binary(const expr& e, eval_ctx& c, value& out) {
  if (e.op == op_code::and_ || e.op == op_code::or_)
    return eval_logical(e, c, out);
  value ta, tb;
  const value* a = nullptr;
  const value* b = nullptr;
  TEMBLOR_TRY(eval_ref(*e.items[0], c, ta, a));
  TEMBLOR_TRY(eval_ref(*e.items[1], c, tb, b));
  switch (e.op) {
    case op_code::eq: out = value(script_eq(*a, *b)); return status::ok;
    case op_code::ne: out = value(!script_eq(*a, *b)); return status::ok;
    case op_code::xor_:
      if (!a->is_bool() || !b->is_bool())
        return binop_error(c, e.span, e.op, *a, *b);
      out = value(a->as_bool() != b->as_bool());
      return status::ok;
    case op_code::lt:
    case op_code::le:
    case op_code::gt:
    case op_code::ge: {
      bool r = false;
      TEMBLOR_TRY(compare_op(e.span, e.op, c, *a, *b, r));
      out = value(r);
      return status::ok;
    }
    default: return arith(e.span, e.op, c, *a, *b, out);
  }
}

status eval_unary(const expr& e, eval_ctx& c, value& out) {
  value t;
  const value* v = nullptr;
  TEMBLOR_TRY(eval_ref(*e.items[0], c, t, v));
  switch (e.op) {
    case op_code::not_: {
      if (v->is_bool()) {
        out = value(!v->as_bool());
        return status::ok;
      }
      // Tremor complements a non-negative integer as unsigned (`!12` is
      // 18446744073709551603), a negative one as signed.
      uint64_t u = 0;
      int64_t i = 0;
      if (v->get_u64(u)) {
        out = value(static_cast<unsigned long long>(~u));
        return status::ok;
      }
      if (v->get_i64(i)) {
        out = value(static_cast<long long>(~i));
        return status::ok;
      }
      break;
    }
    case op_code::identity:
      if (!v->is_number())
        break;
      out = *v;
      return status::ok;
    default: { // negate
      if (v->is_float()) {
        out = value(-v->as_f64_unchecked());
        return status::ok;
      }
      i128 x = 0;
      if (!as_i128(*v, x))
        break;
      if (!from_i128(-x, out))
        return fail(c, e.span, "Arithmetic overflow");
      return status::ok;
    }
  }
  return fail(c, e.items[0]->span, std::string("The unary operation `") + op_text(e.op) +
                           "` is not defined for the type `" + error_type_name(*v) + "`");
}

void append_display(const value& v, std::string& out) {
  if (v.is_string())
    out += v.as_string();
  else
    write_json(v, out);
}

// -- assignment -----------------------------------------------------------------

// The span of `let`'s errors: the target and the value, as Tremor's.
source_span assignment_span(const expr& let) {
  return source_span{let.items[0]->span.begin, let.items[1]->span.end, let.span.file};
}

// Runs `let target = v` for the `let` expression `let`.
status assign(const expr& let, eval_ctx& c, value v) {
  const expr& target = *let.items[0];
  value* cur = nullptr;
  switch (target.root) {
    case path_root::event:
      if (!c.event)
        return fail_with_context(c, assignment_span(let), "`event` is not available here");
      cur = c.event;
      break;
    case path_root::meta:
      if (target.segments.empty() || !c.meta)
        return fail_with_context(c, assignment_span(let), "You are trying to assign to a value that isn't valid");
      cur = c.meta;
      break;
    case path_root::state:
      if (!c.state)
        return fail_with_context(c, assignment_span(let), "`state` is not available here");
      cur = c.state;
      break;
    case path_root::local:
      cur = find_local(c, target.root_name);
      if (!cur && target.constant)
        return fail_with_context(c, assignment_span(let), "Can't assign to a constant expression");
      if (target.segments.empty()) {
        set_local(c, target.root_name, std::move(v));
        return status::ok;
      }
      if (!cur)
        return fail_with_context(c, assignment_span(let), "Trying to access a non existing local key `" + target.root_name + "`");
      break;
    case path_root::args:
    case path_root::group:
    case path_root::window:
    case path_root::constant:
    case path_root::expr: return fail_with_context(c, assignment_span(let), "Can't assign to a constant expression");
  }
  for (const auto& seg : target.segments) {
    std::string key;
    int64_t idx = -1;
    if (seg.k == segment::kind::field) {
      key = seg.name;
    } else if (seg.k == segment::kind::index) {
      value t;
      TEMBLOR_TRY(eval(*seg.a, c, t));
      if (t.is_string())
        key = t.as_string();
      else if (!t.get_i64(idx))
        return type_conflict(c, seg.span, t, "one of integer, string");
    } else {
      return fail(c, seg.span, "You are trying to assign to a value that isn't valid");
    }
    if (idx >= 0) {
      if (!cur->is_array() || static_cast<size_t>(idx) >= cur->as_array().size())
        return fail_with_context(c, assignment_span(let), "Trying to assign to an index outside of the array");
      cur = &cur->as_array()[static_cast<size_t>(idx)];
      continue;
    }
    if (cur->is_null())
      *cur = value(record{});
    if (!cur->is_record())
      return fail_with_context(c, assignment_span(let),
                  "Trying to assign the field `" + key + "` on a value of type " +
                    error_type_name(*cur));
    value* next = cur->as_record().find(key);
    if (!next)
      next = &cur->as_record().set(key, value());
    cur = next;
  }
  *cur = std::move(v);
  return status::ok;
}

// -- patterns -------------------------------------------------------------------
//
// With `bound` set, a pattern also yields Tremor's result: a record pattern
// the keys it tested (present ones, extractions, nested patterns; not
// comparisons), an array pattern `[index, value]` pairs of the elements each
// element pattern matched, a tuple the results of its elements. Names bound
// by `x = …` are pushed as new locals (see eval_match).

status match_pattern(const pattern& p, const value& v, eval_ctx& c, bool& ok, value* bound);

void push_binding(eval_ctx& c, const std::string& name, value v) {
  c.locals.emplace_back(name, std::move(v));
}

status match_field(const field_pred& f, const record& r, eval_ctx& c, bool& ok, record* outr) {
  const value* v = r.find(f.key);
  if (!v) {
    ok = f.k == field_pred::kind::absent;
    return status::ok;
  }
  switch (f.k) {
    case field_pred::kind::present:
      ok = true;
      if (outr)
        outr->set(f.key, *v);
      return status::ok;
    case field_pred::kind::absent: ok = false; return status::ok;
    case field_pred::kind::compare: {
      value t;
      const value* rhs = nullptr;
      TEMBLOR_TRY(eval_ref(*f.rhs, c, t, rhs));
      if (f.op == op_code::eq)
        ok = script_eq(*v, *rhs);
      else if (f.op == op_code::ne)
        ok = !script_eq(*v, *rhs);
      else if ((v->is_number() && rhs->is_number()) || (v->get_text() && rhs->get_text()))
        TEMBLOR_TRY(compare_op(f.span, f.op, c, *v, *rhs, ok));
      else
        ok = false;
      return status::ok;
    }
    case field_pred::kind::extract:
    case field_pred::kind::pattern: {
      bool need = outr || !f.bind.empty();
      value sub;
      TEMBLOR_TRY(match_pattern(*f.sub, *v, c, ok, need ? &sub : nullptr));
      if (ok && !f.bind.empty())
        push_binding(c, f.bind, sub);
      if (ok && outr)
        outr->set(f.key, std::move(sub));
      return status::ok;
    }
  }
  return status::ok;
}

status match_array(const pattern& p, const array& a, eval_ctx& c, bool& ok, value* bound) {
  // Every element pattern must match at least one element (`%[]` matches
  // any array); the pairs come pattern by pattern, in element order.
  array pairs;
  for (const auto& el : p.elems) {
    bool any = false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (el->k == pattern::kind::wildcard) {
        any = true;
        break;
      }
      bool m = false;
      value sub;
      TEMBLOR_TRY(match_pattern(*el, a[i], c, m, bound ? &sub : nullptr));
      if (!m)
        continue;
      any = true;
      if (!bound)
        break;
      pairs.push_back(value(array{value(static_cast<unsigned long long>(i)), std::move(sub)}));
    }
    if (!any) {
      ok = false;
      return status::ok;
    }
  }
  ok = true;
  if (bound)
    *bound = value(std::move(pairs));
  return status::ok;
}

status match_pattern(const pattern& p, const value& v, eval_ctx& c, bool& ok, value* bound) {
  switch (p.k) {
    case pattern::kind::wildcard:
      ok = true;
      if (bound)
        *bound = v;
      return status::ok;
    case pattern::kind::expr: {
      value t;
      const value* x = nullptr;
      TEMBLOR_TRY(eval_ref(*p.value, c, t, x));
      ok = script_eq(v, *x);
      if (ok && bound)
        *bound = *x;
      return status::ok;
    }
    case pattern::kind::assign: {
      value sub;
      TEMBLOR_TRY(match_pattern(*p.sub, v, c, ok, &sub));
      if (ok) {
        if (bound)
          *bound = sub;
        push_binding(c, p.name, std::move(sub));
      }
      return status::ok;
    }
    case pattern::kind::extractor: {
      value out;
      ok = run_extractor(p, v, out);
      if (ok && bound)
        *bound = std::move(out);
      return status::ok;
    }
    case pattern::kind::record: {
      if (!v.is_record()) {
        ok = false;
        return status::ok;
      }
      record tested;
      for (const auto& f : p.fields) {
        TEMBLOR_TRY(match_field(f, v.as_record(), c, ok, bound ? &tested : nullptr));
        if (!ok)
          return status::ok;
      }
      ok = true;
      if (bound)
        *bound = value(std::move(tested));
      return status::ok;
    }
    case pattern::kind::array:
      if (!v.is_array()) {
        ok = false;
        return status::ok;
      }
      return match_array(p, v.as_array(), c, ok, bound);
    case pattern::kind::tuple: {
      if (!v.is_array()) {
        ok = false;
        return status::ok;
      }
      const auto& a = v.as_array();
      if (a.size() < p.elems.size() || (!p.open_tuple && a.size() != p.elems.size())) {
        ok = false;
        return status::ok;
      }
      array out;
      for (size_t i = 0; i < p.elems.size(); ++i) {
        value sub;
        TEMBLOR_TRY(match_pattern(*p.elems[i], a[i], c, ok, bound ? &sub : nullptr));
        if (!ok)
          return status::ok;
        if (bound)
          out.push_back(std::move(sub));
      }
      ok = true;
      if (bound)
        *bound = value(std::move(out));
      return status::ok;
    }
  }
  ok = false;
  return status::ok;
}

// Drops the `count` pattern bindings pushed at `from`; locals a case body
// added after them (with `let`) stay, as Tremor's locals outlive the case.
void drop_bindings(eval_ctx& c, size_t from, size_t count) {
  if (count)
    c.locals.erase(c.locals.begin() + static_cast<std::ptrdiff_t>(from),
                   c.locals.begin() + static_cast<std::ptrdiff_t>(from + count));
}

status eval_match(const expr& e, eval_ctx& c, value& out) {
  // The subject is matched by reference (no copy of a whole event); case
  // bodies run only after their pattern is done with it. Names a case's
  // pattern binds are its own: they shadow outer locals and end with it.
  value tmp;
  const value* subject = nullptr;
  TEMBLOR_TRY(eval_ref(*e.items[0], c, tmp, subject));
  for (const auto& mc : e.cases) {
    bool ok = false;
    size_t mark = c.locals.size();
    TEMBLOR_TRY(match_pattern(*mc.pat, *subject, c, ok, nullptr));
    size_t bindings = c.locals.size() - mark;
    if (ok && mc.guard) {
      value g;
      TEMBLOR_TRY(eval(*mc.guard, c, g));
      if (!g.is_bool())
        return fail_in(c, e.span, mc.guard->span,
                       "Conflicting types, got " + error_type_name(g) + " but expected boolean");
      ok = g.as_bool();
    }
    if (!ok) {
      drop_bindings(c, mark, bindings);
      continue;
    }
    status st = eval_block(mc.body, c, out);
    drop_bindings(c, mark, bindings);
    return st;
  }
  fail(c, e.span, "A match expression executed but no clause matched");
  c.err.note = "Consider adding a `default => null` clause at the end of your match or validate "
               "full coverage beforehand.";
  return status::error;
}

// -- patch / merge --------------------------------------------------------------

void merge_into(value& target, const value& patch) {
  if (!patch.is_record()) {
    target = patch;
    return;
  }
  if (!target.is_record())
    target = value(record{});
  // Unlike RFC 7396, Tremor keeps a key whose new value is null.
  for (const auto& [k, v] : patch.as_record()) {
    value* cur = target.as_record().find(k);
    if (cur && cur->is_record() && v.is_record())
      merge_into(*cur, v);
    else
      target.as_record().set(k, v);
  }
}

// `default => {…}`: adds the keys `target` lacks, recursing into records
// both sides have.
void default_into(record& target, record&& defaults) {
  for (auto& [k, x] : defaults) {
    value* cur = target.find(k);
    if (!cur)
      target.set(k, std::move(x));
    else if (cur->is_record() && x.is_record())
      default_into(cur->as_record(), std::move(x.as_record()));
  }
}

status patch_ops(const expr& e, eval_ctx& c, value& target);

status eval_patch(const expr& e, eval_ctx& c, value& out) {
  value target;
  if (e.consume_event && c.event) {
    // The result replaces the event anyway: take it instead of copying,
    // and give it back unchanged-so-far if an operation fails.
    target = std::move(*c.event);
    *c.event = value();
    status s = patch_ops(e, c, target);
    if (s != status::ok) {
      *c.event = std::move(target);
      return s;
    }
    out = std::move(target);
    return status::ok;
  }
  TEMBLOR_TRY(eval(*e.items[0], c, target));
  TEMBLOR_TRY(patch_ops(e, c, target));
  out = std::move(target);
  return status::ok;
}

status patch_ops(const expr& e, eval_ctx& c, value& target) {
  if (!target.is_record())
    return within(c, e.span, type_conflict(c, e.items[0]->span, target, "record"));
  // Phase one evaluates every operation and checks it against the keys the
  // record will have at that point; phase two applies them and cannot fail.
  // So a failing patch leaves its target untouched, as Tremor's does.
  struct prepared {
    patch_op::kind k;
    std::string key;
    std::string to;
    value v;
    bool root = false;
  };
  std::vector<prepared> ops;
  ops.reserve(e.patches.size());
  std::map<std::string, bool> overrides;
  const record& orig = target.as_record();
  auto present = [&](const std::string& k) {
    auto it = overrides.find(k);
    return it != overrides.end() ? it->second : orig.contains(k);
  };
  for (const auto& op : e.patches) {
    prepared p;
    p.k = op.k;
    p.root = !op.key;
    if (op.key) {
      value k;
      TEMBLOR_TRY(eval(*op.key, c, k));
      if (!k.is_string())
        return within(c, e.span, type_conflict(c, op.key->span, k, "string"));
      p.key = std::move(k.as_string());
    }
    if (op.value && op.k != patch_op::kind::move && op.k != patch_op::kind::copy)
      TEMBLOR_TRY(eval(*op.value, c, p.v));
    switch (op.k) {
      case patch_op::kind::insert:
        if (present(p.key))
          return fail_in(c, e.span, op.span,
                      "The key that is supposed to be written to already exists: " + p.key);
        overrides[p.key] = true;
        break;
      case patch_op::kind::update:
        if (!present(p.key))
          return fail_in(c, e.span, op.span,
                      "The key that is supposed to be updated does not exists: " + p.key);
        break;
      case patch_op::kind::upsert: overrides[p.key] = true; break;
      case patch_op::kind::erase: overrides[p.key] = false; break;
      case patch_op::kind::move:
      case patch_op::kind::copy: {
        value to;
        TEMBLOR_TRY(eval(*op.value, c, to));
        if (!to.is_string())
          return within(c, e.span, type_conflict(c, op.value->span, to, "string"));
        p.to = std::move(to.as_string());
        if (!present(p.key))
          break;
        if (present(p.to))
          return fail_in(c, e.span, op.span,
                      "The key that is supposed to be written to already exists: " + p.to);
        overrides[p.to] = true;
        if (op.k == patch_op::kind::move)
          overrides[p.key] = false;
        break;
      }
      case patch_op::kind::merge:
        if (p.root) {
          if (!p.v.is_record())
            return fail_in(c, e.span, op.span,
                        "Merge can only be performed on keys that either do not exist or are "
                        "records but the key '<target>' has the type " + error_type_name(p.v));
          for (const auto& [k, x] : p.v.as_record())
            overrides[k] = true;
        } else {
          // Only a missing key or a record can be merged into.
          const value* existing = overrides.count(p.key) ? nullptr : orig.find(p.key);
          if (existing && !existing->is_record())
            return fail_in(c, e.span, op.span,
                        "Merge can only be performed on keys that either do not exist or are "
                        "records but the key '" + p.key + "' has the type " +
                          error_type_name(*existing));
          overrides[p.key] = true;
        }
        break;
      case patch_op::kind::default_:
        if (p.root) {
          if (!p.v.is_record())
            return within(c, e.span, type_conflict(c, op.value->span, p.v, "record"));
          for (const auto& [k, x] : p.v.as_record())
            overrides[k] = true;
        } else {
          overrides[p.key] = true;
        }
        break;
    }
    ops.push_back(std::move(p));
  }
  record& r = target.as_record();
  for (auto& p : ops) {
    switch (p.k) {
      case patch_op::kind::insert:
      case patch_op::kind::update:
      case patch_op::kind::upsert: r.set(std::move(p.key), std::move(p.v)); break;
      case patch_op::kind::erase: r.erase(p.key); break;
      case patch_op::kind::move:
      case patch_op::kind::copy: {
        const value* from = r.find(p.key);
        if (!from)
          break;
        value moved = *from;
        if (p.k == patch_op::kind::move)
          r.erase(p.key);
        r.set(std::move(p.to), std::move(moved));
        break;
      }
      case patch_op::kind::merge:
        if (p.root) {
          merge_into(target, p.v);
        } else {
          value* cur = r.find(p.key);
          if (!cur)
            cur = &r.set(p.key, value(record{}));
          merge_into(*cur, p.v);
        }
        break;
      case patch_op::kind::default_:
        if (p.root) {
          default_into(r, std::move(p.v.as_record()));
        } else if (!r.contains(p.key)) {
          r.set(std::move(p.key), std::move(p.v));
        }
        break;
    }
  }
  return status::ok;
}

// -- for --------------------------------------------------------------------------

status fold(const expr& e, eval_ctx& c, value& acc, const value& v) {
  value r;
  switch (e.fold_op) {
    case op_code::none:
      if (acc.is_array()) {
        acc.as_array().push_back(v);
        return status::ok;
      }
      TEMBLOR_TRY(arith(e.span, op_code::add, c, acc, v, r));
      break;
    case op_code::and_:
    case op_code::or_:
    case op_code::xor_: {
      if (!acc.is_bool() || !v.is_bool())
        return binop_error(c, e.span, e.fold_op, acc, v);
      bool a = acc.as_bool(), b = v.as_bool();
      r = value(e.fold_op == op_code::and_ ? (a && b) : e.fold_op == op_code::or_ ? (a || b) : (a != b));
      break;
    }
    default: TEMBLOR_TRY(arith(e.span, e.fold_op, c, acc, v, r)); break;
  }
  acc = std::move(r);
  return status::ok;
}

status eval_for(const expr& e, eval_ctx& c, value& out) {
  value subject;
  TEMBLOR_TRY(eval(*e.items[0], c, subject));
  value acc = value(array{});
  if (e.items.size() > 1)
    TEMBLOR_TRY(eval(*e.items[1], c, acc));
  auto one = [&](value k, const value& v) -> status {
    for (const auto& fc : e.for_cases) {
      set_local(c, fc.key_name, k);
      set_local(c, fc.value_name, v);
      if (fc.guard) {
        value g;
        TEMBLOR_TRY(eval(*fc.guard, c, g));
        if (!g.is_bool() || !g.as_bool())
          continue;
      }
      value r;
      TEMBLOR_TRY(eval_block(fc.body, c, r));
      return fold(e, c, acc, r);
    }
    return status::ok;
  };
  if (subject.is_array()) {
    const auto& a = subject.as_array();
    for (size_t i = 0; i < a.size(); ++i)
      TEMBLOR_TRY(one(value(static_cast<unsigned long long>(i)), a[i]));
  } else if (subject.is_record()) {
    for (const auto& [k, v] : subject.as_record())
      TEMBLOR_TRY(one(value(k), v));
  } else {
    return type_conflict(c, e.items[0]->span, subject, "one of array, record");
  }
  out = std::move(acc);
  return status::ok;
}

// -- calls ------------------------------------------------------------------------

// Tremor's BadArity text names the function with its arity range the way
// Rust prints a RangeInclusive: "Bad arity for function string::len/1..=1
// but was called with 2 arguments".
status bad_arity(eval_ctx& c, const source_span& s, const std::string& name, size_t lo,
                 size_t hi, size_t given) {
  return fail(c, s, "Bad arity for function " + name + "/" + std::to_string(lo) + "..=" +
                      std::to_string(hi) + " but was called with " + std::to_string(given) +
                      " arguments");
}

status call_user(const expr& e, const fn_def& f, std::vector<value> args, eval_ctx& c,
                 value& out) {
  if (c.call_depth >= max_call_depth)
    return fail(c, e.span, "The call depth limit (" + std::to_string(max_call_depth) +
                             ") was reached");
  if (args.size() < f.params.size() || (!f.varargs && args.size() > f.params.size()))
    return bad_arity(c, e.span, e.name, f.params.size(),
                     f.varargs ? std::numeric_limits<size_t>::max() : f.params.size(),
                     args.size());
  std::vector<std::pair<std::string, value>> saved;
  saved.swap(c.locals);
  const value* saved_args = c.args;
  value varargs;
  ++c.call_depth;
  status s = status::ok;
  for (uint64_t iteration = 0;; ++iteration) {
    if (iteration > recursion_limit) {
      s = fail_with_context(c, e.span, "Recursion limit Reached");
      break;
    }
    c.locals.clear();
    for (size_t i = 0; i < f.params.size(); ++i)
      c.locals.emplace_back(f.params[i], std::move(args[i]));
    if (f.varargs) {
      // Inside a varargs function Tremor's `args` is the array of extra
      // arguments.
      array rest;
      for (size_t i = f.params.size(); i < args.size(); ++i)
        rest.push_back(std::move(args[i]));
      varargs = value(std::move(rest));
      c.args = &varargs;
    }
    if (f.has_cases) {
      array tuple;
      for (size_t i = 0; i < f.params.size(); ++i)
        tuple.push_back(c.locals[i].second);
      value tv(std::move(tuple));
      bool hit = false;
      for (const auto& mc : f.cases) {
        bool ok = false;
        bool is_tuple = mc.pat->k == pattern::kind::tuple;
        value matched;
        s = match_pattern(*mc.pat, tv, c, ok, is_tuple ? &matched : nullptr);
        if (s != status::ok)
          break;
        if (!ok)
          continue;
        if (mc.guard) {
          value g;
          s = eval(*mc.guard, c, g);
          if (s != status::ok)
            break;
          if (!g.is_bool() || !g.as_bool())
            continue;
        }
        // Like Tremor, the body sees each parameter as what its element
        // pattern yielded (`case (~ json||)` makes it the decoded value).
        if (is_tuple)
          for (size_t i = 0; i < f.params.size() && i < matched.as_array().size(); ++i)
            set_local(c, f.params[i], std::move(matched.as_array()[i]));
        hit = true;
        s = eval_block(mc.body, c, out);
        break;
      }
      if (s == status::ok && !hit)
        s = fail(c, e.span, "No clause matched in function `" + f.name + "`");
    } else {
      s = eval_block(f.body, c, out);
    }
    if (s != status::recur)
      break;
    args = std::move(c.recur_args);
    c.recur_args.clear();
    if (args.size() != f.params.size() && !f.varargs) {
      s = fail(c, e.span, "`recur` called with the wrong number of arguments");
      break;
    }
    s = status::ok;
  }
  --c.call_depth;
  c.locals.swap(saved);
  c.args = saved_args;
  return s;
}

// Tremor's texts for a failing native: BadType ("Bad type passed to
// function json::decode/1", signalled by an empty `err`) and RuntimeError
// ("Runtime error in function json::decode/1: <what>"). Natives prefix
// their message with their name; that prefix is dropped here.
status native_error(eval_ctx& c, const source_span& s, const std::string& name, size_t arity,
                    std::string err) {
  std::string mfa = name + "/" + std::to_string(arity);
  if (err.empty())
    return fail_with_context(c, s, "Bad type passed to function " + mfa);
  size_t colon = err.find(": ");
  if (colon != std::string::npos && colon > 0 && name.size() >= colon &&
      name.compare(name.size() - colon, colon, err, 0, colon) == 0)
    err.erase(0, colon + 2);
  return fail_with_context(c, s, "Runtime error in function " + mfa + ": " + err);
}

status eval_call(const expr& e, eval_ctx& c, value& out) {
  if (!e.aggr_name.empty()) {
    if (!c.aggr_values || e.aggr_index < 0 ||
        static_cast<size_t>(e.aggr_index) >= c.aggr_values->size())
      return fail(c, e.span,
                  "Aggregate function `aggr::" + e.aggr_name +
                    "` can only be used in the target of a windowed select");
    out = (*c.aggr_values)[static_cast<size_t>(e.aggr_index)];
    return status::ok;
  }
  std::vector<value> args;
  args.reserve(e.items.size());
  for (const auto& a : e.items) {
    value v;
    TEMBLOR_TRY(eval(*a, c, v));
    args.push_back(std::move(v));
  }
  const callee& t = e.target;
  if (t.user && !t.user->is_intrinsic)
    return call_user(e, *t.user, std::move(args), c, out);
  native_fn fn = t.native;
  size_t lo = t.min_args, hi = t.max_args;
  if (t.user && t.user->is_intrinsic) {
    fn = t.user->native.native;
    lo = t.user->native.min_args;
    hi = t.user->native.max_args;
  }
  if (!fn)
    return fail(c, e.span, "Unknown function `" + e.name + "`");
  if (args.size() < lo || args.size() > hi)
    return bad_arity(c, e.span, t.user ? t.user->native_name : e.name, lo, hi, args.size());
  std::string err;
  const eval_ctx* saved = current_ctx;
  current_ctx = &c;
  bool ok = fn(args.data(), args.size(), out, err);
  current_ctx = saved;
  if (!ok)
    return native_error(c, e.span, t.user ? t.user->native_name : e.name, args.size(), err);
  return status::ok;
}

// -- bytes ------------------------------------------------------------------------

status eval_bytes(const expr& e, eval_ctx& c, value& out) {
  std::string data;
  // Bits are packed big-endian across parts, as Tremor's binary literals are.
  uint64_t acc = 0;
  unsigned acc_bits = 0;
  for (size_t i = 0; i < e.items.size(); ++i) {
    value v;
    TEMBLOR_TRY(eval(*e.items[i], c, v));
    const bytes_part& bp = e.bytes_parts[i];
    if (bp.k == bytes_part::kind::binary || v.is_bytes() || v.is_string()) {
      const std::string* t = v.get_text();
      if (!t)
        return fail(c, e.items[i]->span, "Binary part must be bytes or a string");
      if (acc_bits)
        return fail(c, e.items[i]->span, "Binary parts must be byte aligned");
      data += *t;
      continue;
    }
    unsigned bits = bp.bits ? bp.bits : 8;
    if (bits > 64)
      return fail(c, e.items[i]->span, "A binary part can have at most 64 bits");
    uint64_t n = 0;
    if (bp.k == bytes_part::kind::float_) {
      double d = 0;
      v.get_f64(d);
      if (bits == 32) {
        float f = static_cast<float>(d);
        uint32_t u = 0;
        std::memcpy(&u, &f, 4);
        n = u;
      } else {
        bits = 64;
        std::memcpy(&n, &d, 8);
      }
    } else {
      int64_t s = 0;
      uint64_t u = 0;
      if (v.get_u64(u))
        n = u;
      else if (v.get_i64(s))
        n = static_cast<uint64_t>(s);
      else
        return fail(c, e.items[i]->span, "Binary part must be an integer");
    }
    if (bits < 64)
      n &= (uint64_t{1} << bits) - 1;
    if (!bp.big && bits % 8 == 0) {
      uint64_t r = 0;
      for (unsigned b = 0; b < bits / 8; ++b)
        r = (r << 8) | ((n >> (8 * b)) & 0xFF);
      n = r;
    }
    for (unsigned b = bits; b > 0; --b) {
      acc = (acc << 1) | ((n >> (b - 1)) & 1);
      if (++acc_bits == 8) {
        data.push_back(static_cast<char>(acc));
        acc = 0;
        acc_bits = 0;
      }
    }
  }
  if (acc_bits)
    data.push_back(static_cast<char>(acc << (8 - acc_bits)));
  out = value(bytes{std::move(data)});
  return status::ok;
}

} // namespace

const eval_ctx* current_eval_ctx() { return current_ctx; }

void set_recursion_limit(uint64_t limit) { recursion_limit = limit; }

std::string type_name(const value& v) { return std::string(kind_name(v.kind())); }

bool script_eq(const value& a, const value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_integer() && b.is_integer())
      return a == b;
    double x = 0, y = 0;
    a.get_f64(x);
    b.get_f64(y);
    return x == y;
  }
  if (a.is_array() && b.is_array()) {
    const auto& x = a.as_array();
    const auto& y = b.as_array();
    if (x.size() != y.size())
      return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!script_eq(x[i], y[i]))
        return false;
    return true;
  }
  if (a.is_record() && b.is_record()) {
    const auto& x = a.as_record();
    const auto& y = b.as_record();
    if (x.size() != y.size())
      return false;
    for (const auto& [k, v] : x) {
      const value* o = y.find(k);
      if (!o || !script_eq(v, *o))
        return false;
    }
    return true;
  }
  return a == b;
}

status eval(const expr& e, eval_ctx& c, value& out) {
  switch (e.kind) {
    case expr_kind::literal: out = e.lit; return status::ok;
    case expr_kind::string: {
      std::string s;
      for (size_t i = 0; i < e.items.size(); ++i) {
        if (!e.items[i]) {
          s += e.texts[i];
          continue;
        }
        value t;
        const value* v = nullptr;
        TEMBLOR_TRY(eval_ref(*e.items[i], c, t, v));
        append_display(*v, s);
      }
      out = value(std::move(s));
      return status::ok;
    }
    case expr_kind::record: {
      record r;
      r.reserve(e.items.size());
      for (size_t i = 0; i < e.items.size(); ++i) {
        value k, v;
        TEMBLOR_TRY(eval(*e.keys[i], c, k));
        if (!k.is_string())
          return fail(c, e.keys[i]->span, "A record key must be a string");
        TEMBLOR_TRY(eval(*e.items[i], c, v));
        r.set(std::move(k.as_string()), std::move(v));
      }
      out = value(std::move(r));
      return status::ok;
    }
    case expr_kind::array: {
      array a;
      a.reserve(e.items.size());
      for (const auto& x : e.items) {
        value v;
        TEMBLOR_TRY(eval(*x, c, v));
        a.push_back(std::move(v));
      }
      out = value(std::move(a));
      return status::ok;
    }
    case expr_kind::path: {
      value t;
      const value* v = nullptr;
      TEMBLOR_TRY(path_ref(e, c, t, v));
      if (v == &t)
        out = std::move(t);
      else
        out = *v;
      return status::ok;
    }
    case expr_kind::unary: return eval_unary(e, c, out);
    case expr_kind::binary: return eval_binary(e, c, out);
    case expr_kind::present:
    case expr_kind::absent: {
      value t;
      const value* v = nullptr;
      runtime_error saved = c.err;
      status s = path_ref(*e.items[0], c, t, v);
      if (s != status::ok && s != status::error)
        return s;
      c.err = saved;
      bool present = s == status::ok;
      out = value(e.kind == expr_kind::present ? present : !present);
      return status::ok;
    }
    case expr_kind::call: return eval_call(e, c, out);
    case expr_kind::recur: {
      std::vector<value> args;
      for (const auto& a : e.items) {
        value v;
        TEMBLOR_TRY(eval(*a, c, v));
        args.push_back(std::move(v));
      }
      if (c.call_depth == 0)
        return fail(c, e.span, "`recur` can only be used inside a function");
      c.recur_args = std::move(args);
      return status::recur;
    }
    case expr_kind::match: return eval_match(e, c, out);
    case expr_kind::patch: return eval_patch(e, c, out);
    case expr_kind::merge: {
      value target, patch;
      TEMBLOR_TRY(eval(*e.items[0], c, target));
      TEMBLOR_TRY(eval(*e.items[1], c, patch));
      if (!target.is_record())
        return type_conflict(c, e.items[0]->span, target, "record");
      if (!patch.is_record())
        return type_conflict(c, e.items[1]->span, patch, "record");
      merge_into(target, patch);
      out = std::move(target);
      return status::ok;
    }
    case expr_kind::for_each: return eval_for(e, c, out);
    case expr_kind::let: {
      value v;
      TEMBLOR_TRY(eval(*e.items[1], c, v));
      TEMBLOR_TRY(assign(e, c, std::move(v)));
      out = value();
      return status::ok;
    }
    case expr_kind::emit: {
      if (e.items[0]) {
        TEMBLOR_TRY(eval(*e.items[0], c, c.emitted));
      } else {
        c.emitted = c.event ? *c.event : value();
      }
      c.emit_port = e.name;
      return status::emit;
    }
    case expr_kind::drop: return status::drop;
    case expr_kind::bytes: return eval_bytes(e, c, out);
  }
  return fail(c, e.span, "Unsupported expression");
}

status eval_block(const std::vector<expr_ptr>& body, eval_ctx& c, value& out) {
  for (const auto& x : body)
    TEMBLOR_TRY(eval(*x, c, out));
  // A block ending in `let` is worth the value it assigned (Tremor's
  // `case … => let a = 1; let b = 2` yields 2); only read back here, so a
  // statement-level `let` copies nothing.
  if (!body.empty() && body.back()->kind == expr_kind::let)
    return eval(*body.back()->items[0], c, out);
  return status::ok;
}

std::string render_runtime_error(const runtime_error& e) {
  std::string out = "Error: \n";
  if (!e.span.file) {
    out += "      | " + e.message + "\n\n";
    return out;
  }
  // The lines as Rust's `str::lines` sees them: no empty line after a
  // trailing newline, "\r\n" ends a line too.
  std::vector<std::string_view> lines;
  std::string_view text = e.span.file->text;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos)
      break;
    text.remove_prefix(nl + 1);
  }
  // Tremor shows two lines of context around the span and puts the
  // carets under its last line: from the span's start when it is one line,
  // else from the line's start.
  const source_pos& b = e.span.begin;
  const source_pos& en = e.span.end.line >= b.line ? e.span.end : b;
  size_t caret_line = std::min<size_t>(en.line, std::max<size_t>(lines.size(), 1));
  size_t first = b.line, last = caret_line;
  if (e.first_line && e.first_line <= b.line && e.last_line >= en.line) {
    first = e.first_line;
    last = std::min<size_t>(e.last_line, lines.size());
  }
  size_t col = en.line == b.line && b.column > 0 ? b.column - 1 : 0;
  size_t end_col = en.column > 0 ? en.column - 1 : 0;
  size_t width = end_col > col ? end_col - col : 1;
  for (size_t l = first; l <= std::max(last, caret_line); ++l) {
    char num[16];
    std::snprintf(num, sizeof(num), "%5zu", l);
    out += std::string(num) + " | ";
    if (l <= lines.size())
      out += lines[l - 1];
    out += "\n";
    if (l == caret_line) {
      out += "      | " + std::string(col, ' ') + std::string(width, '^') + " " + e.message + "\n";
      if (!e.note.empty())
        out += "      | " + std::string(col + width + 1, ' ') + "NOTE: " + e.note + "\n";
    }
  }
  out += "\n";
  return out;
}

} // namespace temblor::dsl
