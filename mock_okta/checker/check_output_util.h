// Helpers shared by the check report renderers (check_output.cpp,
// check_output_web.cpp): text trimming, escaping, UTF-8 repair, exchange
// summaries. Internal to the checker.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/json_util.h"
#include "mock_okta/checker/check_report.h"

namespace okta::check::detail {

using core::Json;

inline constexpr size_t kAnswerChars = 300;    // the server's answer in the text lines
inline constexpr size_t kLeftBehindLines = 5;  // left-behind resources listed in the text lines

void ReplaceAll(std::string& s, const std::string& from, const std::string& to);
std::string TrimChars(const std::string& s, size_t max);
std::string OneLine(const std::string& s);
std::string MaskSecrets(std::string s, const std::vector<std::string>& secrets);
const char* StatusText(int status);
std::string HeaderValue(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& name);
const Exchange* FailingExchange(const CheckResult& r);
std::string PrettyBody(const std::string& body);
std::string Label(const CheckResult& r);
std::string AnswerLine(const Exchange& e);
std::string EscapeHtml(const std::string& raw);
std::string EscapeXml(const std::string& raw);
std::string Seconds(int64_t ms);
int64_t TotalMs(const CheckResult& r);
std::string UrlDecode(const std::string& s);
Json HeadersJson(const std::vector<std::pair<std::string, std::string>>& headers);
std::string ExchangeText(const Exchange& e);

}  // namespace okta::check::detail
