#include "scenarios/scenario.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "scenarios/expectations.h"
#include "scenarios/steps.h"

namespace scenarios {

std::string StripComments(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '"') {  // copy a string literal verbatim, escapes included
      out += c;
      ++i;
      while (i < n && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < n) out += text[i++];
        out += text[i++];
      }
      if (i < n) out += text[i++];
    } else if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      i += 2;
      while (i < n && !(text[i] == '*' && i + 1 < n && text[i + 1] == '/')) {
        if (text[i] == '\n') out += '\n';  // keep line numbers
        ++i;
      }
      i = std::min(n, i + 2);
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

namespace {

core::Error Invalid(const std::string& detail) { return core::MakeError(core::ErrorCode::kInvalidValue, detail); }

// Line and column of a byte offset, for parse errors.
std::string Position(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

template <typename Keys>
core::Status CheckKeys(const Json& obj, const std::string& where, const Keys& allowed) {
  if (!obj.is_object()) return Invalid(where + ": must be an object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = std::any_of(std::begin(allowed), std::end(allowed), [&](std::string_view k) { return it.key() == k; });
    if (!ok && it.key().rfind("//", 0) != 0) return Invalid(where + "." + it.key() + ": unknown key");
  }
  return core::Status::Ok();
}
core::Status CheckKeys(const Json& obj, const std::string& where, std::initializer_list<std::string_view> allowed) {
  return CheckKeys<std::initializer_list<std::string_view>>(obj, where, allowed);
}

// One step: an object with exactly one action key (plus "comment"), a kind
// from the step table, and only the keys the table allows for that kind.
core::Status CheckStep(const Json& step, const std::string& where) {
  if (!step.is_object()) return Invalid(where + ": each step is an object like {\"assign\": {...}}");
  std::vector<std::string> keys;
  for (auto it = step.begin(); it != step.end(); ++it) {
    if (it.key() != "comment" && it.key().rfind("//", 0) != 0) keys.push_back(it.key());
  }
  if (keys.size() != 1) return Invalid(where + ": exactly one action key per step (plus an optional \"comment\")");
  const StepSpec* spec = FindStep(keys[0]);
  if (!spec) return Invalid(where + "." + keys[0] + ": unknown step kind");
  if (!spec->keys.empty()) return CheckKeys(step[keys[0]], where + "." + keys[0], spec->keys);
  return core::Status::Ok();
}

}  // namespace

core::Result<Scenario> ParseScenario(std::string_view text, const std::string& file) {
  std::string clean = StripComments(text);
  Json doc;
  try {
    doc = Json::parse(clean);
  } catch (const nlohmann::json::parse_error& e) {
    std::string msg = e.what();
    return core::MakeError(core::ErrorCode::kInvalidSyntax,
                           "not valid JSON at " + Position(clean, e.byte > 0 ? e.byte - 1 : 0) + ": " + msg);
  } catch (const nlohmann::json::exception& e) {  // a number beyond a double's range (1e400): out_of_range.406
    return core::MakeError(core::ErrorCode::kInvalidSyntax, std::string("not valid JSON: ") + e.what());
  }
  if (auto st = CheckKeys(doc, "$", {"$schema", "name", "description", "setup", "steps", "expect", "autoWait",
                                     "requires"});
      !st.ok())
    return st.error();
  Scenario s;
  s.file = file;
  if (!doc.contains("name") || !doc["name"].is_string() || doc["name"].get<std::string>().empty())
    return Invalid("$.name: a non-empty string is required");
  s.name = doc["name"];
  s.description = doc.value("description", "");
  if (doc.contains("autoWait")) {
    if (!doc["autoWait"].is_boolean()) return Invalid("$.autoWait: must be true or false");
    s.auto_wait = doc["autoWait"];
  }
  if (doc.contains("requires")) {
    if (doc["requires"] != "builtin" && doc["requires"] != "any")
      return Invalid("$.requires: \"builtin\" (needs the built-in SCIM server) or \"any\"");
    s.requires_server = doc["requires"];
  }
  if (doc.contains("setup")) {
    s.setup = doc["setup"];
    if (auto st = CheckKeys(s.setup, "$.setup", {"app", "directory", "scim", "encryption"}); !st.ok())
      return st.error();
    if (s.setup.contains("directory")) {
      if (auto st = CheckKeys(s.setup["directory"], "$.setup.directory", {"users", "groups", "generate"}); !st.ok())
        return st.error();
    }
    if (s.setup.contains("scim")) {
      if (auto st = CheckKeys(s.setup["scim"], "$.setup.scim", {"users", "groups", "groupProvisioning", "faults"});
          !st.ok())
        return st.error();
    }
    if (s.setup.contains("encryption")) {
      if (auto st = CheckKeys(s.setup["encryption"], "$.setup.encryption", {"state", "delayMs", "failStatus"}); !st.ok())
        return st.error();
    }
    if (s.setup.contains("app") && !s.setup["app"].is_object()) return Invalid("$.setup.app: must be an object");
  }
  if (doc.contains("steps")) {
    if (!doc["steps"].is_array()) return Invalid("$.steps: must be an array");
    s.steps = doc["steps"];
    for (size_t i = 0; i < s.steps.size(); ++i) {
      if (auto st = CheckStep(s.steps[i], "$.steps[" + std::to_string(i) + "]"); !st.ok()) return st.error();
    }
  }
  if (doc.contains("expect")) {
    s.expect = doc["expect"];
    if (auto st = CheckKeys(s.expect, "$.expect", kExpectKeys); !st.ok())
      return st.error();
  }
  return s;
}

core::Result<Scenario> LoadScenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(core::ErrorCode::kNotFound, path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ParseScenario(ss.str(), path);
  if (!s.ok()) return core::MakeError(s.error().code, path + ": " + s.error().detail);
  return s;
}

}  // namespace scenarios

#include <filesystem>

namespace scenarios {

core::Result<std::vector<std::string>> ScenarioFilesIn(const std::string& dir) {
  namespace fs = std::filesystem;
  auto fail = [&dir](const std::string& why) { return core::MakeError(core::ErrorCode::kNotFound, dir + ": " + why); };
  std::error_code ec;
  auto status = fs::status(dir, ec);
  if (!fs::exists(status)) return fail("no such folder");
  if (!fs::is_directory(status)) return fail("not a folder");
  fs::directory_iterator it(dir, ec);
  if (ec) return fail("cannot be read: " + ec.message());
  std::vector<std::string> out;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    auto p = it->path();
    if (p.extension() == ".json" && p.filename().string().find(".schema.") == std::string::npos) out.push_back(p.string());
  }
  if (ec) return fail("cannot be read: " + ec.message());
  if (out.empty()) return fail("no scenario files (*.json) in this folder");
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace scenarios
