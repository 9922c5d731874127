#include "mock_okta/executor.h"

#include "core/http.h"
#include "core/json_writer.h"
#include "core/secret.h"
#include "mock_okta/org.h"

namespace okta {


const char* ReasonPhrase(int status) {
  const char* text = status >= 400 ? core::HttpStatusText(status) : "";
  return *text ? text : "Unexpected Response";
}

namespace {

// Records never hold credentials: Authorization keeps only its scheme.
void WriteHeaders(core::JsonWriter& w, const std::vector<Header>& hs) {
  w.BeginArray();
  for (const auto& h : hs) {
    w.BeginObject().Member("name", h.name).Member("value", core::RedactHeaderValue(h.name, h.value)).EndObject();
  }
  w.EndArray();
}

// Retry-After as integer seconds; anything else (absent, HTTP-date, fraction) → nullopt.
std::optional<int64_t> RetryAfterSeconds(const ScimExchange& ex) {
  for (const auto& h : ex.headers) {
    if (!core::EqualsCi(h.name, "Retry-After")) continue;
    if (h.value.empty() || h.value.size() > 9) return std::nullopt;
    for (char ch : h.value) {
      if (ch < '0' || ch > '9') return std::nullopt;
    }
    return std::stoll(h.value);
  }
  return std::nullopt;
}

bool Expected(Expect e, int status) {
  switch (e) {
    case Expect::k2xx: return status >= 200 && status < 300;
    case Expect::k200: return status == 200;
    case Expect::k200or404: return status == 200 || status == 404;
  }
  return false;
}

// The outcome of an exchange that stops the flow, or nullopt when it goes on.
std::optional<Outcome> CheckAnswer(const Step& step, const ScimExchange& ex) {
  Outcome o;
  if (ex.status == 429) {
    o.kind = Outcome::Kind::kRateLimited;
    o.retry_after_s = RetryAfterSeconds(ex).value_or(-1);
    o.message = "Rate limit exceeded for " + step.what;
    return o;
  }
  o.kind = Outcome::Kind::kFailed;
  if (ex.status == 0) {
    o.message = "Error while trying to " + step.what + ": " + ex.error;
    return o;
  }
  if (Expected(step.expect, ex.status)) return std::nullopt;
  o.message = "Error while trying to " + step.what + ": " + ReasonPhrase(ex.status) +
              ". Errors reported by remote server: " + RemoteErrorDetail(ex.body);
  return o;
}

}  // namespace

// Written as text (JsonWriter): two records per provisioned user.
std::string TrafficRecordText(const Job* job, const std::string& app_id, const std::string& step,
                              const ScimRequest& req, const ScimExchange& ex, core::TimePoint started,
                              const std::string& base_url) {
  core::JsonWriter w;
  w.BeginObject();
  if (job) {
    w.Member("jobId", job->id).Member("jobKind", JobKindName(job->kind));
  } else {
    w.Key("jobId").Null().Member("jobKind", "test_connector");
  }
  w.Member("appId", app_id).Member("step", step).Member("startedAt", core::FormatIso8601(started));
  w.Member("durationMs", ex.elapsed_ms);
  std::string target = req.Target();
  w.Key("request").BeginObject().Member("method", req.method).Member("url", base_url + target);
  w.Member("target", target).Key("headers");
  WriteHeaders(w, req.headers);
  w.Member("body", core::RedactPasswords(req.body)).EndObject();  // Sync Password bodies
  w.Key("response");
  if (ex.status != 0) {
    w.BeginObject().Member("status", static_cast<int64_t>(ex.status)).Key("headers");
    WriteHeaders(w, ex.headers);
    w.Member("body", core::RedactPasswords(ex.body)).EndObject();
  } else {
    w.Null();
  }
  w.Key("error");
  if (ex.error.empty()) {
    w.Null();
  } else {
    w.String(ex.error);
  }
  w.EndObject();
  return w.Take();
}

ScimExchange Executor::Exchange(const FlowInput& in, const Step& step) {
  auto started = clock_.Now();
  ScimExchange ex = sender_.Send(in.app.prov.base_url, step.request, in.app.prov.timeout_ms);
  // The record is built on the store's writing thread, off this worker's path.
  org_.AddTrafficLater(
      [job = in.job, app_id = in.app.id, what = step.what, req = step.request, ex, started,
       base = in.app.prov.base_url] { return TrafficRecordText(&job, app_id, what, req, ex, started, base); });
  return ex;
}

Outcome Executor::Run(const FlowInput& in) {
  FlowState st;
  st.subject = in.subject;
  const ScimExchange* last = nullptr;
  ScimExchange ex;
  auto stop = [&st](Outcome::Kind kind, std::string message) {
    Outcome o;
    o.kind = kind;
    o.message = std::move(message);
    o.subject = st.subject;
    return o;
  };
  // A flow sends at most a few requests per page or batch; the bound only
  // guards against a server whose paging never ends.
  for (int steps = 0; steps < 100000; ++steps) {
    Step step = NextStep(in, st, last);
    last = nullptr;
    for (const auto& line : step.logs) org_.LogJobStep(in.job, st.subject, in.subject_display, in.app, line);
    for (const auto& e : step.effects) {
      if (auto s = org_.ApplyEffect(in.job, e); !s.ok()) {
        return stop(Outcome::Kind::kFailed, "Could not save the result in the org: " + s.error().detail);
      }
    }
    if (step.kind == Step::Kind::kDone) {
      Outcome o = stop(Outcome::Kind::kOk, "");
      o.imported = st.items;
      return o;
    }
    if (step.kind == Step::Kind::kFail) return stop(Outcome::Kind::kFailed, step.message);
    if (step.kind == Step::Kind::kContinue) continue;
    ex = Exchange(in, step);
    if (auto failed = CheckAnswer(step, ex)) {
      failed->subject = st.subject;
      if (step.on_failure) {
        LogLine line = *step.on_failure;
        line.reason = failed->message;
        org_.LogJobStep(in.job, st.subject, in.subject_display, in.app, line);
      }
      return *failed;
    }
    last = &ex;
  }
  return stop(Outcome::Kind::kFailed,
              "Error while trying to run " + std::string(JobKindName(in.job.kind)) + ": the flow did not finish");
}

}  // namespace okta
