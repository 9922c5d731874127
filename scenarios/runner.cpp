#include "scenarios/runner.h"

#include <algorithm>
#include <chrono>

#include "scenarios/expectations.h"
#include "scenarios/run_context.h"
#include "scenarios/steps.h"
#include "scenarios/traffic.h"

namespace scenarios {

namespace {

using SteadyClock = std::chrono::steady_clock;

// The action key of a step object (the one that is not "comment" or "//…").
std::string StepKindOf(const Json& step) {
  std::string kind;
  for (auto it = step.begin(); it != step.end(); ++it)
    if (it.key() != "comment" && it.key().rfind("//", 0) != 0) kind = it.key();
  return kind;
}

// ": <what the step is about>" for its progress line.
std::string StepSummary(const Json& a) {
  if (a.is_string()) return ": " + a.get<std::string>();
  if (a.is_number() || a.is_boolean()) return ": " + a.dump();
  if (a.is_array()) return ": " + std::to_string(a.size()) + " items";
  if (!a.is_object()) return "";
  for (const char* k : {"user", "login", "group", "name", "label", "userName", "displayName"}) {
    if (a.contains(k) && a[k].is_string()) return ": " + a[k].get<std::string>();
  }
  if (a.contains("users") && a["users"].is_array()) return ": " + std::to_string(a["users"].size()) + " users";
  return "";
}

class Runner {
 public:
  Runner(const Scenario& s, const Endpoints& e, const ProgressFn& p) : s_(s), run_(s, e, p) {}

  Outcome Run() {
    Outcome out;
    out.name = s_.name;
    out.file = s_.file;
    auto start = SteadyClock::now();
    if (s_.requires_server == "builtin" && run_.endpoints().scim_admin_url.empty()) {
      out.skipped = true;
      out.passed = true;
      out.skip_reason = "needs the built-in SCIM server (faults or admin API); not available with --against";
      return out;
    }
    try {
      run_.services().Open(run_.endpoints());
      run_.set_where("setup");
      Setup();
    } catch (const StepFailed& f) {
      run_.FailHere(f.message);
      return Finish(out, start);
    }
    for (size_t i = 0; i < s_.steps.size(); ++i) {
      bool ok = RunNumberedStep(i);
      out.steps = i + 1;
      if (!ok) return Finish(out, start);
    }
    if (!s_.expect.empty()) {
      run_.set_where("final expect");
      try {
        run_.WaitIdle(120);
        CheckExpectations(run_, s_.expect);
      } catch (const StepFailed& f) {
        run_.FailHere(f.message);
      }
    }
    return Finish(out, start);
  }

 private:
  // Runs step i (0-based); false when its action failed (the run ends).
  bool RunNumberedStep(size_t i) {
    const Json& step = s_.steps[i];
    std::string kind = StepKindOf(step);
    run_.set_where("step " + std::to_string(i + 1) + " (" + kind + ")");
    std::string label = run_.where() + StepSummary(step[kind]);
    if (step.contains("comment") && step["comment"].is_string()) label += "  — " + step["comment"].get<std::string>();
    run_.Progress("  " + label);
    try {
      const StepSpec* spec = FindStep(kind);
      if (!spec) throw StepFailed{"unknown step " + kind};
      spec->run(run_, step[kind]);
      if (s_.auto_wait && spec->waits_after) run_.WaitIdle(120);
    } catch (const StepFailed& f) {
      run_.FailHere(f.message);
      return false;
    }
    return true;
  }

  Outcome& Finish(Outcome& out, SteadyClock::time_point start) {
    out.failures = run_.failures();
    out.passed = out.failures.empty();
    out.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    auto t = run_.sandbox().open() ? FetchTraffic(run_.endpoints().okta_url, 0) : core::Result<Json>(Json::array());
    out.requests = t.ok() ? std::count_if(t->begin(), t->end(), [](const Json& r) { return !IsSignOnRecord(r); }) : 0;
    return out;
  }

  // ---------------------------------------------------------------- setup
  // No setup action provisions anything (app assignments are steps), so
  // the setup is the same steps the scenario could have written.
  void Setup() {
    Json apps = run_.okta().Must("GET", "/api/v1/apps");
    if (!apps.is_array() || apps.empty()) throw StepFailed{"the mock Okta has no app (expected the preset app)"};
    run_.set_app_id(apps[0]["id"]);
    const Json& setup = s_.setup;
    if (setup.contains("app")) SetupApp(setup["app"]);
    if (setup.contains("scim")) SetupScim(setup["scim"]);
    if (setup.contains("directory")) SetupDirectory(setup["directory"]);
    if (setup.contains("encryption")) {
      const Json& e = setup["encryption"];
      std::string state = e.value("state", "up");
      if (state == "down") RunStep(run_, "encryptionDown", Json::object());
      if (e.contains("delayMs") || e.contains("failStatus")) RunStep(run_, "encryptionFault", e);
    }
    run_.WaitIdle(120);
  }

  void SetupApp(const Json& app) {
    if (app.contains("label")) run_.okta().Must("PUT", "/api/v1/apps/" + run_.app_id(), Json{{"label", app["label"]}});
    Json settings = ProvisioningSettings(app);
    if (!settings.empty()) run_.sandbox().Must("PATCH", "/sandbox/apps/" + run_.app_id() + "/provisioning", settings);
  }

  void SetupScim(const Json& sc) {
    if (sc.contains("groupProvisioning")) RunStep(run_, "groupProvisioning", sc["groupProvisioning"]);
    if (sc.contains("users")) RunStep(run_, "scimCreateUser", sc["users"]);
    if (sc.contains("groups"))
      for (const auto& g : sc["groups"]) RunStep(run_, "scimCreateGroup", g);
    if (sc.contains("faults")) RunStep(run_, "scimFault", sc["faults"]);
  }

  void SetupDirectory(const Json& d) {
    // Groups first (users may name them), members once the users exist.
    Json groups = d.value("groups", Json::array());
    for (const auto& g : groups) {
      Json bare = g.is_object() ? g : Json{{"name", g}};
      bare.erase("members");
      RunStep(run_, "createGroup", bare);
    }
    if (d.contains("users")) RunStep(run_, "createUser", d["users"]);
    if (d.contains("generate")) Generate(d["generate"]);
    for (const auto& g : groups)
      if (g.is_object() && g.contains("members"))
        RunStep(run_, "addToGroup", Json{{"group", g["name"]}, {"users", g["members"]}});
  }

  // {"count": N, "login": "user{n}@x.test", "firstName": "User", "lastName": "{n}", "groups": ["All"]}
  void Generate(const Json& spec_in) {
    Json specs = spec_in.is_array() ? spec_in : Json::array({spec_in});
    for (const auto& spec : specs) {
      int count = spec.value("count", 0);
      std::string login = spec.value("login", "user{n}@example.com");
      run_.Progress("  setup: creating " + std::to_string(count) + " users like " + login);
      auto fill = [](std::string t, int n) {
        for (auto p = t.find("{n}"); p != std::string::npos; p = t.find("{n}")) t.replace(p, 3, std::to_string(n));
        return t;
      };
      for (int n = 1; n <= count; ++n) {
        Json u = Json::object();
        u["login"] = fill(login, n);
        u["firstName"] = fill(spec.value("firstName", "User"), n);
        u["lastName"] = fill(spec.value("lastName", "{n}"), n);
        if (spec.contains("groups")) u["groups"] = spec["groups"];
        RunStep(run_, "createUser", u);
      }
    }
  }

  const Scenario& s_;
  RunContext run_;
};

}  // namespace

Outcome RunScenario(const Scenario& scenario, const Endpoints& endpoints, const ProgressFn& progress) {
  Runner r(scenario, endpoints, progress);
  return r.Run();
}

}  // namespace scenarios
