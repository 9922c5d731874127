// The state of one scenario run, shared by the runner, the steps
// (scenarios/steps.h) and the expectations (scenarios/expectations.h): the
// service clients, the names the scenario uses mapped to Okta and SCIM ids,
// placeholder resolution, waiting for the provisioning queue, and the
// failures recorded so far. Internal to scenarios/.
//
// Not thread-safe: one run, one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scenarios/runner.h"
#include "scenarios/service_client.h"

namespace scenarios {

// An OIDC app integration a scenario created (the oidcApp step), by label.
struct OidcApp {
  std::string label;
  std::string client_id;      // = the app's id
  std::string client_secret;  // confidential clients only
  std::string auth_method;    // client_secret_basic | client_secret_post | none
  std::string type;           // web | browser | native | service
  std::vector<std::string> redirect_uris;
};

// A SAML 2.0 app integration a scenario created (the samlApp step), by label.
struct SamlApp {
  std::string label;
  std::string id;        // the app's id (issuer http://www.okta.com/{id})
  std::string sso_path;  // /app/{name}/{id}/sso/saml
  std::string acs_url;
  std::string audience;  // the SP entity id: an AuthnRequest's Issuer
};

// The password createUser gives a user when the scenario names none.
inline constexpr const char* kDefaultPassword = "Passw0rd!1";

// Prefixes every line of `text` with `pad`.
std::string Indent(const std::string& text, const std::string& pad = "      ");

class RunContext {
 public:
  RunContext(const Scenario& scenario, const Endpoints& endpoints, const ProgressFn& progress);

  const Scenario& scenario() const { return scenario_; }
  const Endpoints& endpoints() const { return endpoints_; }
  ServiceClients& services() { return services_; }
  ServiceClient& okta() { return services_.okta; }
  ServiceClient& sandbox() { return services_.sandbox; }
  ServiceClient& scim() { return services_.scim; }

  // The preset app every step works on ("" until setup has read it).
  const std::string& app_id() const { return app_id_; }
  void set_app_id(std::string id) { app_id_ = std::move(id); }

  // ---- names → ids. Unknown names are looked up over HTTP and cached; a
  // name that cannot be resolved throws StepFailed.
  std::string UserId(const std::string& login);
  std::string GroupId(const std::string& name);
  std::string MappingId(const std::string& group_name);  // the group's push mapping
  std::string ScimUserId(const std::string& login);      // the SCIM id Okta linked
  std::string ScimGroupId(const std::string& name);      // the pushed group's SCIM id
  void RememberUser(const std::string& login, const std::string& id);
  void RememberGroup(const std::string& name, const std::string& id);
  void RememberMapping(const std::string& group_id, const std::string& mapping_id);
  void ForgetMapping(const std::string& group_id);
  // Users created on the SCIM server directly (scimCreateUser), by userName.
  void RememberScimUser(const std::string& user_name, const std::string& id);
  const std::string* LookupScimUser(const std::string& user_name) const;

  // Sign-on: OIDC apps by label (case-insensitive), the passwords users were
  // given (a user the scenario gave none to answers kDefaultPassword).
  void RememberOidcApp(OidcApp app);
  // The app called `label`; "" means the only OIDC app so far. Throws
  // StepFailed when there is no such app (or several and no label).
  const OidcApp& FindOidcApp(const std::string& label) const;
  void RememberSamlApp(SamlApp app);
  // Like FindOidcApp, for SAML apps.
  const SamlApp& FindSamlApp(const std::string& label) const;
  void RememberPassword(const std::string& login, const std::string& password);
  std::string Password(const std::string& login) const;
  // 1, 2, 3, … : numbers each sign-in's state, nonce and PKCE verifier.
  int NextSignIn() { return ++sign_ins_; }

  // Replaces "${kind:arg}" placeholders in every string of `j` (userId,
  // groupId, scimUserId, scimGroupId, mappingId, appId, clientId, samlAppId).
  Json Subst(const Json& j);

  // ---- the provisioning queue
  // Waits until nothing is running or due; throws StepFailed after `timeout_s`.
  // Prints a progress line every 3 s while it waits.
  void WaitIdle(int timeout_s);
  // Between the Okta calls of one step: WaitIdle(120) when the scenario has autoWait.
  void Settle();
  void Progress(const std::string& line);

  // ---- failures
  // Where the run is ("setup", "step 4 (assign)", "final expect").
  const std::string& where() const { return where_; }
  void set_where(std::string where) { where_ = std::move(where); }
  // Records a failure at where(); `message` is indented here.
  void FailHere(const std::string& message);
  // Records a failed expectation "<where> → <what>".
  void Fail(const std::string& what, const std::string& detail);
  const std::vector<Failure>& failures() const { return failures_; }

  // The last traffic record seq an expectation has looked at.
  int64_t traffic_cursor() const { return traffic_cursor_; }
  void set_traffic_cursor(int64_t seq) { traffic_cursor_ = seq; }

 private:
  using SteadyClock = std::chrono::steady_clock;
  std::string Resolve(const std::string& kind, const std::string& arg);
  void PollUntilQuiet(SteadyClock::time_point deadline, int timeout_s);
  void ReportQueue(SteadyClock::time_point started);

  const Scenario& scenario_;
  const Endpoints& endpoints_;
  const ProgressFn& progress_;
  ServiceClients services_;
  std::string app_id_;
  std::string where_;
  std::map<std::string, std::string> users_, groups_, mappings_, scim_users_, passwords_;
  std::map<std::string, OidcApp> oidc_apps_;  // by lower-case label
  std::map<std::string, SamlApp> saml_apps_;  // by lower-case label
  int sign_ins_ = 0;
  int64_t traffic_cursor_ = 0;
  std::vector<Failure> failures_;
};

}  // namespace scenarios
