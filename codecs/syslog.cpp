#include "codecs/syslog.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <limits>

#include "codecs/config.hpp"
#include "codecs/utf8.hpp"
#include "runtime/core/event.hpp"

namespace temblor::codecs {

namespace {

constexpr std::string_view severities[] = {"emerg",   "alert",  "crit", "err",
                                           "warning", "notice", "info", "debug"};
constexpr std::string_view facilities[] = {
    "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",  "ntp",    "audit",  "alert",  "clockd",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr int64_t ns_per_s = 1'000'000'000;

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's
// algorithm), so no time-zone state of the C library is involved.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM).
bool parse_rfc3339(std::string_view s, int64_t& ns) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-'
      || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h)
      || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return false;
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int64_t scale = 100'000'000;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      frac += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start)
      return false;
  }
  int64_t offset_s = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':'
        || !digits(s, i + 4, 2, om))
      return false;
    offset_s = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return false;
  }
  if (i != s.size())
    return false;
  int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400
                 + h * 3600 + mi * 60 + sec - offset_s;
  // Nanoseconds since the epoch fit an i64 from 1677 to 2262 only.
  constexpr int64_t max_secs = std::numeric_limits<int64_t>::max() / ns_per_s - 1;
  if (secs > max_secs || secs < -max_secs)
    return false;
  ns = secs * ns_per_s + frac;
  return true;
}

// chrono's to_rfc3339 layout: fraction in 0, 3, 6 or 9 digits, "+00:00".
std::string format_rfc3339(int64_t ns) {
  int64_t secs = ns >= 0 ? ns / ns_per_s : -((-ns + ns_per_s - 1) / ns_per_s);
  int64_t frac = ns - secs * ns_per_s;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                        static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, "%09lld", static_cast<long long>(frac));
    std::string f(buf);
    size_t keep = f.substr(3) == "000000" ? 3 : f.substr(6) == "000" ? 6 : 9;
    out += "." + f.substr(0, keep);
  }
  return out + "+00:00";
}

struct cursor {
  std::string_view s;
  size_t i = 0;

  bool done() const { return i >= s.size(); }
  // The next space-delimited field (RFC 5424 header fields never hold spaces).
  std::string_view field() {
    size_t end = s.find(' ', i);
    if (end == std::string_view::npos)
      end = s.size();
    std::string_view f = s.substr(i, end - i);
    i = end < s.size() ? end + 1 : end;
    return f;
  }
  std::string_view rest() {
    std::string_view r = i < s.size() ? s.substr(i) : std::string_view{};
    i = s.size();
    return r;
  }
};

value nil_or(std::string_view f) {
  return f == "-" ? value{} : value{std::string(f)};
}

value procid_value(std::string_view f) {
  if (f == "-" || f.empty())
    return value{};
  int64_t pid = 0;
  auto r = std::from_chars(f.data(), f.data() + f.size(), pid);
  if (r.ec == std::errc{} && r.ptr == f.data() + f.size())
    return value{static_cast<long long>(pid)};
  return value{std::string(f)};
}

bool parse_structured_data(cursor& c, value& out, std::string& err) {
  if (c.done()) {
    out = value{};
    return true;
  }
  if (c.s[c.i] == '-') {
    ++c.i;
    if (!c.done() && c.s[c.i] == ' ')
      ++c.i;
    out = value{};
    return true;
  }
  record sd;
  while (!c.done() && c.s[c.i] == '[') {
    ++c.i;
    size_t id_end = c.s.find_first_of(" ]", c.i);
    if (id_end == std::string_view::npos) {
      err = "syslog: unterminated structured data";
      return false;
    }
    std::string id(c.s.substr(c.i, id_end - c.i));
    c.i = id_end;
    array params;
    while (!c.done() && c.s[c.i] == ' ') {
      ++c.i;
      size_t eq = c.s.find('=', c.i);
      if (eq == std::string_view::npos || eq + 1 >= c.s.size() || c.s[eq + 1] != '"') {
        err = "syslog: malformed structured data parameter";
        return false;
      }
      std::string name(c.s.substr(c.i, eq - c.i));
      c.i = eq + 2;
      std::string val;
      for (;;) {
        if (c.done()) {
          err = "syslog: unterminated structured data value";
          return false;
        }
        char ch = c.s[c.i++];
        if (ch == '\\' && !c.done()
            && (c.s[c.i] == '"' || c.s[c.i] == '\\' || c.s[c.i] == ']')) {
          val.push_back(c.s[c.i++]);
          continue;
        }
        if (ch == '"')
          break;
        val.push_back(ch);
      }
      params.push_back(value{record{{std::move(name), value{std::move(val)}}}});
    }
    if (c.done() || c.s[c.i] != ']') {
      err = "syslog: unterminated structured data element";
      return false;
    }
    ++c.i;
    sd.set(std::move(id), value{std::move(params)});
  }
  if (!c.done() && c.s[c.i] == ' ')
    ++c.i;
  out = value{std::move(sd)};
  return true;
}

bool decode_5424(cursor& c, int version, record& r, std::string& err) {
  std::string_view ts = c.field();
  value timestamp;
  if (ts != "-") {
    int64_t ns = 0;
    if (!parse_rfc3339(ts, ns)) {
      err = "syslog: invalid RFC 5424 timestamp `" + std::string(ts) + "`";
      return false;
    }
    timestamp = value{static_cast<long long>(ns)};
  }
  value hostname = nil_or(c.field());
  value appname = nil_or(c.field());
  value procid = procid_value(c.field());
  value msgid = nil_or(c.field());
  value sd;
  if (!parse_structured_data(c, sd, err))
    return false;
  std::string_view msg = c.rest();
  // A UTF-8 byte order mark may introduce the message.
  if (msg.substr(0, 3) == "\xEF\xBB\xBF")
    msg.remove_prefix(3);
  r.set("hostname", std::move(hostname));
  r.set("appname", std::move(appname));
  r.set("msg", msg.empty() ? value{} : value{std::string(msg)});
  r.set("procid", std::move(procid));
  r.set("msgid", std::move(msgid));
  r.set("protocol", value{"RFC5424"});
  r.set("protocol_version", value{version});
  r.set("structured_data", std::move(sd));
  r.set("timestamp", std::move(timestamp));
  return true;
}

bool decode_3164(cursor& c, record& r, std::string& err) {
  // "Mmm dd hh:mm:ss" (day space-padded).
  std::string_view s = c.s.substr(c.i);
  int month = -1;
  for (int m = 0; m < 12; ++m)
    if (s.substr(0, 3) == months[m])
      month = m + 1;
  int day, h, mi, sec;
  bool ok = month > 0 && s.size() >= 16 && s[3] == ' '
            && (digits(s, 4, 2, day) || (s[4] == ' ' && digits(s, 5, 1, day))) && s[6] == ' '
            && digits(s, 7, 2, h) && s[9] == ':' && digits(s, 10, 2, mi) && s[12] == ':'
            && digits(s, 13, 2, sec) && s[15] == ' ';
  if (!ok) {
    err = "syslog: expected an RFC 5424 version or an RFC 3164 timestamp after the priority";
    return false;
  }
  c.i += 16;
  // The year is not in the line: take the current one, like syslog daemons.
  std::time_t now = static_cast<std::time_t>(now_ns() / ns_per_s);
  std::tm utc{};
  gmtime_r(&now, &utc);
  int64_t secs = days_from_civil(utc.tm_year + 1900, static_cast<unsigned>(month),
                                 static_cast<unsigned>(day)) * 86400
                 + h * 3600 + mi * 60 + sec;
  value hostname = value{std::string(c.field())};
  // TAG[PID]: MSG — the tag ends at '[', ':' or a space.
  std::string_view rest = c.rest();
  size_t tag_end = rest.find_first_of("[: ");
  value appname, procid;
  std::string_view msg = rest;
  if (tag_end != std::string_view::npos && tag_end > 0) {
    appname = value{std::string(rest.substr(0, tag_end))};
    size_t i = tag_end;
    if (rest[i] == '[') {
      size_t close = rest.find(']', i);
      if (close != std::string_view::npos) {
        procid = procid_value(rest.substr(i + 1, close - i - 1));
        i = close + 1;
      }
    }
    if (i < rest.size() && rest[i] == ':')
      ++i;
    if (i < rest.size() && rest[i] == ' ')
      ++i;
    msg = rest.substr(i);
  }
  r.set("hostname", std::move(hostname));
  r.set("appname", std::move(appname));
  r.set("msg", value{std::string(msg)});
  r.set("procid", std::move(procid));
  r.set("msgid", value{});
  r.set("protocol", value{"RFC3164"});
  r.set("protocol_version", value{});
  r.set("structured_data", value{});
  r.set("timestamp", value{static_cast<long long>(secs * ns_per_s)});
  return true;
}

int index_of(const value* v, const std::string_view* names, size_t n) {
  if (v == nullptr || !v->is_string())
    return -1;
  for (size_t i = 0; i < n; ++i)
    if (names[i] == v->as_string())
      return static_cast<int>(i);
  return -1;
}

std::string text_or_nil(const value* v) {
  if (v == nullptr || v->is_null())
    return "-";
  if (v->is_string())
    return v->as_string().empty() ? "-" : v->as_string();
  int64_t i = 0;
  if (v->get_i64(i))
    return std::to_string(i);
  return "-";
}

} // namespace

bool syslog_codec::decode(std::string_view line, value& out, std::string& err) {
  if (!utf8_valid(line)) {
    err = "syslog: invalid UTF-8";
    return false;
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == '\0'))
    line.remove_suffix(1);
  cursor c{line};
  int pri = 0;
  size_t close = line.find('>');
  if (line.empty() || line[0] != '<' || close == std::string_view::npos || close < 2 || close > 4
      || !digits(line, 1, close - 1, pri) || pri > 191) {
    err = "syslog: expected a priority like `<34>` at the start";
    return false;
  }
  c.i = close + 1;
  record r;
  r.set("severity", value{std::string(severities[pri % 8])});
  r.set("facility", value{std::string(facilities[pri / 8])});
  int version = 0;
  size_t space = line.find(' ', c.i);
  if (space != std::string_view::npos && space > c.i && space - c.i <= 2
      && digits(line, c.i, space - c.i, version) && version > 0) {
    c.i = space + 1;
    if (!decode_5424(c, version, r, err))
      return false;
  } else if (!decode_3164(c, r, err)) {
    return false;
  }
  out = value{std::move(r)};
  return true;
}

bool syslog_codec::encode(const value& v, std::string& out, std::string& err) {
  if (!v.is_record()) {
    err = "syslog: can only encode records";
    return false;
  }
  int severity = index_of(v.get("severity"), severities, std::size(severities));
  int facility = index_of(v.get("facility"), facilities, std::size(facilities));
  if (severity < 0 || facility < 0) {
    err = "syslog: `severity` and `facility` must be syslog keywords (e.g. \"info\", \"user\")";
    return false;
  }
  std::string line = "<" + std::to_string(facility * 8 + severity) + ">";
  int64_t ts = 0;
  const value* timestamp = v.get("timestamp");
  bool has_ts = timestamp != nullptr && timestamp->get_i64(ts);
  const value* protocol = v.get("protocol");
  const value* msg = v.get("msg");
  std::string text = msg && msg->is_string() ? msg->as_string() : "";
  if (protocol && protocol->is_string() && protocol->as_string() == "RFC3164") {
    int64_t secs = (has_ts ? ts : static_cast<int64_t>(now_ns())) / ns_per_s;
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s %2u %02lld:%02lld:%02lld ", months[m - 1].data(), d,
                  static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                  static_cast<long long>(rem % 60));
    line += buf;
    line += text_or_nil(v.get("hostname")) + " ";
    const value* app = v.get("appname");
    if (app && app->is_string()) {
      line += app->as_string();
      const value* pid = v.get("procid");
      if (pid && !pid->is_null())
        line += "[" + text_or_nil(pid) + "]";
      line += ": ";
    }
    out += line + text;
    return true;
  }
  int64_t version = 1;
  if (const value* pv = v.get("protocol_version"); pv != nullptr)
    pv->get_i64(version);
  line += std::to_string(version) + " ";
  line += (has_ts ? format_rfc3339(ts) : std::string("-")) + " ";
  line += text_or_nil(v.get("hostname")) + " " + text_or_nil(v.get("appname")) + " "
          + text_or_nil(v.get("procid")) + " " + text_or_nil(v.get("msgid")) + " ";
  const value* sd = v.get("structured_data");
  if (sd == nullptr || !sd->is_record() || sd->as_record().empty()) {
    line += "-";
  } else {
    for (const auto& [id, params] : sd->as_record()) {
      line += "[" + id;
      if (params.is_array()) {
        for (const auto& p : params.as_array()) {
          if (!p.is_record())
            continue;
          for (const auto& [name, val] : p.as_record()) {
            line += " " + name + "=\"";
            std::string s = val.is_string() ? val.as_string() : text_or_nil(&val);
            for (char ch : s) {
              if (ch == '"' || ch == '\\' || ch == ']')
                line.push_back('\\');
              line.push_back(ch);
            }
            line += "\"";
          }
        }
      }
      line += "]";
    }
  }
  if (!text.empty())
    line += " " + text;
  out += line;
  return true;
}

std::unique_ptr<codec> make_syslog_codec(const value& config, std::string& err) {
  if (!check_config_keys(config, "syslog codec", {}, err))
    return nullptr;
  return std::make_unique<syslog_codec>();
}

} // namespace temblor::codecs
