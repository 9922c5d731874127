#include "scenarios/junit.h"

#include <cstdio>

namespace scenarios {

namespace {

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

std::string FailureReport(const Outcome& o) {
  std::string out;
  for (const auto& f : o.failures) out += "    FAILED " + f.where + "\n" + f.message + "\n";
  return out;
}

std::string JunitXml(const std::vector<Outcome>& outcomes, const std::string& suite_name) {
  size_t failures = 0, skipped = 0;
  double total = 0;
  for (const auto& o : outcomes) {
    if (!o.passed) ++failures;
    if (o.skipped) ++skipped;
    total += o.seconds;
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites tests=\"" + std::to_string(outcomes.size()) + "\" failures=\"" + std::to_string(failures) +
       "\" time=\"" + Seconds(total) + "\">\n";
  x += "  <testsuite name=\"" + Escape(suite_name) + "\" tests=\"" + std::to_string(outcomes.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + Seconds(total) +
       "\">\n";
  for (const auto& o : outcomes) {
    x += "    <testcase classname=\"" + Escape(o.file.empty() ? "scenario" : o.file) + "\" name=\"" + Escape(o.name) +
         "\" time=\"" + Seconds(o.seconds) + "\"";
    if (o.passed && !o.skipped) {
      x += "/>\n";
      continue;
    }
    x += ">\n";
    if (o.skipped) x += "      <skipped message=\"" + Escape(o.skip_reason) + "\"/>\n";
    if (!o.passed) {
      std::string first = o.failures.empty() ? "failed" : o.failures[0].where;
      x += "      <failure message=\"" + Escape(first) + "\">" + Escape(FailureReport(o)) + "</failure>\n";
    }
    x += "      <system-out>" + Escape(std::to_string(o.steps) + " steps, " + std::to_string(o.requests) +
                                   " SCIM requests") +
         "</system-out>\n";
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace scenarios
