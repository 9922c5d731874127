#include "core/json_writer.h"

#include <catch2/catch.hpp>

#include <random>

#include "core/json_util.h"

using core::Json;
using core::JsonWriter;

TEST_CASE("JsonWriter writes what DumpCompact writes for the same document", "[core][json]") {
  const std::string tricky = std::string("q\"b\\s/\b\f\n\r\t") + '\x01' + '\x1f' + "é€😀 end";
  JsonWriter w;
  w.BeginObject().Member("a", "x").Member("n", int64_t{-42}).Key("t").Bool(true).Key("f").Bool(false);
  w.Key("nul").Null().Member("tricky", tricky).Key("empty").BeginObject().EndObject();
  w.Key("list").BeginArray().String("one").Int(2).BeginObject().Member("k", "v").EndObject();
  w.BeginArray().EndArray().Null().EndArray();
  w.Key("raw").Raw(R"({"z":[1,2]})").EndObject();

  Json j = Json::object();
  j["a"] = "x";
  j["n"] = -42;
  j["t"] = true;
  j["f"] = false;
  j["nul"] = nullptr;
  j["tricky"] = tricky;
  j["empty"] = Json::object();
  j["list"] = Json::array({"one", 2, Json{{"k", "v"}}, Json::array(), nullptr});
  j["raw"] = Json{{"z", Json::array({1, 2})}};
  CHECK(w.text() == core::DumpCompact(j));
}

TEST_CASE("JsonWriter's strings always parse back: invalid UTF-8 becomes U+FFFD", "[core][json]") {
  for (std::string bad : {std::string("\xff"), std::string("a\xc3"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                          std::string("\xf4\x90\x80\x80"), std::string("ok\xe2\x82")}) {
    JsonWriter w;
    w.BeginArray().String(bad).EndArray();
    auto parsed = core::ParseJson(w.text());
    REQUIRE(parsed.ok());
    CHECK((*parsed)[0].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
  }
  // Random bytes: valid input round-trips exactly, and every output parses.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) s.push_back(static_cast<char>(rng() % 256));
    std::string out;
    core::AppendJsonString(out, s);
    auto parsed = core::ParseJson(out);
    REQUIRE(parsed.ok());
    bool valid = true;
    try {
      static_cast<void>(Json(s).dump());  // throws on invalid UTF-8
    } catch (const nlohmann::json::exception&) {
      valid = false;
    }
    if (valid) CHECK(parsed->get<std::string>() == s);
  }
}
