#include "scenarios/match.h"

namespace scenarios {

std::string Mismatch::ToString() const { return path + ": expected " + expected + ", got " + actual; }

std::string JoinMismatches(const std::vector<Mismatch>& ms, const std::string& pad) {
  std::string out;
  for (const auto& m : ms) out += (out.empty() ? "" : "\n") + pad + m.ToString();
  return out;
}

std::string Brief(const Json& j, size_t max) {
  std::string s = core::DumpCompact(j);
  if (s.size() > max) s = s.substr(0, max) + "…";
  return s;
}

namespace {

bool ScalarEquals(const Json& e, const Json& a) {
  if (e.is_number() && a.is_number()) return e.get<double>() == a.get<double>();
  return e == a;
}

}  // namespace

bool MatchSubset(const Json& expected, const Json& actual, const std::string& path, std::vector<Mismatch>* out) {
  size_t before = out->size();
  if (expected.is_string()) {
    const std::string& e = expected.get_ref<const std::string&>();
    if (e == "*") {
      if (actual.is_null()) out->push_back({path, "any value", "nothing"});
    } else if (!e.empty() && e[0] == '~') {
      if (!actual.is_string() || actual.get<std::string>().find(e.substr(1)) == std::string::npos)
        out->push_back({path, "a string containing " + Brief(Json(e.substr(1))), Brief(actual)});
    } else if (!ScalarEquals(expected, actual)) {
      out->push_back({path, Brief(expected), Brief(actual)});
    }
  } else if (expected.is_object()) {
    if (!actual.is_object()) {
      out->push_back({path, "an object", Brief(actual)});
    } else {
      for (auto it = expected.begin(); it != expected.end(); ++it) {
        std::string p = path + "." + it.key();
        const Json* a = actual.contains(it.key()) ? &actual[it.key()] : nullptr;
        if (it.value().is_null()) {
          if (a && !a->is_null()) out->push_back({p, "absent", Brief(*a)});
        } else if (!a) {
          out->push_back({p, Brief(it.value()), "absent"});
        } else {
          MatchSubset(it.value(), *a, p, out);
        }
      }
    }
  } else if (expected.is_array()) {
    if (!actual.is_array()) {
      out->push_back({path, "an array", Brief(actual)});
    } else if (expected.size() != actual.size()) {
      out->push_back({path, std::to_string(expected.size()) + " elements " + Brief(expected),
                      std::to_string(actual.size()) + " elements " + Brief(actual)});
    } else {
      for (size_t i = 0; i < expected.size(); ++i)
        MatchSubset(expected[i], actual[i], path + "[" + std::to_string(i) + "]", out);
    }
  } else if (!ScalarEquals(expected, actual)) {
    out->push_back({path, Brief(expected), Brief(actual)});
  }
  return out->size() == before;
}

bool GlobMatch(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::string UrlDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view part = query.substr(start, amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string k = UrlDecode(part.substr(0, eq));
      std::string v = eq == std::string_view::npos ? "" : UrlDecode(part.substr(eq + 1));
      out[k] = v;
    }
    start = amp + 1;
  }
  return out;
}

}  // namespace scenarios
