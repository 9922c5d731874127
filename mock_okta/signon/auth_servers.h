// The org's authorization servers: the org server (issuer = the org URL,
// endpoints under /oauth2/v1) and custom servers (issuer
// {org}/oauth2/{id}), of which `default` (audience api://default) always
// exists. Custom servers carry scopes and claims (Okta's
// /api/v1/authorizationServers shapes); every server has its own RS256 key
// set, generated on first use and kept in okta.db, with the previous key
// still published after a rotation.
//
// Thread-safe (one mutex; key generation happens under it, once per server).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/okta_store.h"
#include "mock_okta/signon/jwt.h"

namespace okta::signon {

inline constexpr const char* kOrgServer = "";  // the org authorization server's id here

struct Scope {
  std::string id, name, description;
  std::string consent = "IMPLICIT";
  bool system = false;
  bool is_default = false;
};

struct Claim {
  std::string id, name;
  std::string status = "ACTIVE";
  std::string claim_type = "RESOURCE";    // RESOURCE (access token) | IDENTITY (ID token)
  std::string value_type = "EXPRESSION";  // EXPRESSION | GROUPS
  // EXPRESSION: "user.<attr>", "user.profile.<attr>" or a quoted string
  // literal (the subset of Okta's expression language modelled). GROUPS: the
  // filter's value, matched by group_filter_type against group names.
  std::string value;
  std::string group_filter_type;  // STARTS_WITH | EQUALS | CONTAINS | REGEX
  bool always_include = true;     // false: only when one of `scopes` is granted
  std::vector<std::string> scopes;
  bool system = false;
};

struct AuthServer {
  std::string id;  // "" = the org server; "default", "aus…" = custom
  std::string name, description;
  std::vector<std::string> audiences;
  std::vector<Scope> scopes;  // custom servers only
  std::vector<Claim> claims;  // custom servers only
  std::string created, last_updated;
  bool custom() const { return !id.empty(); }
  // The issuer for an org at `org_url`.
  std::string Issuer(const std::string& org_url) const { return custom() ? org_url + "/oauth2/" + id : org_url; }
  // "/oauth2/v1" or "/oauth2/{id}/v1".
  std::string EndpointBase() const { return custom() ? "/oauth2/" + id + "/v1" : "/oauth2/v1"; }
  bool HasScope(const std::string& name) const;
};

// The scopes every server understands (OIDC's and offline_access).
const std::vector<std::string>& StandardScopes();

class AuthServers {
 public:
  AuthServers(OktaStore& store, OktaIds& ids, const core::Clock& clock) : store_(store), ids_(ids), clock_(clock) {}

  // The org's id (00o…), created once and kept in okta.db: the `idp` claim.
  std::string OrgId();
  // "" → the org server. nullopt: no such server.
  std::optional<AuthServer> Find(const std::string& id);
  std::vector<AuthServer> ListCustom();
  // POST /api/v1/authorizationServers. Errors: kInvalidValue (no name or audience).
  core::Result<AuthServer> Create(const std::string& name, const std::string& description,
                                  const std::vector<std::string>& audiences);
  // Errors: kNotFound (server), kInvalidValue (bad shape), kConflict (name taken).
  core::Result<Scope> AddScope(const std::string& server_id, Scope scope);
  core::Result<Claim> AddClaim(const std::string& server_id, Claim claim);
  core::Status DeleteScope(const std::string& server_id, const std::string& scope_id);
  core::Status DeleteClaim(const std::string& server_id, const std::string& claim_id);

  // The key tokens are signed with now (generated on first use).
  core::Result<std::shared_ptr<const SigningKey>> ActiveKey(const std::string& server_id);
  // The keys published at /keys: the active one first, then the previous.
  std::vector<std::shared_ptr<const SigningKey>> PublishedKeys(const std::string& server_id);
  // A new active key; the old active one stays published (one previous kept).
  // Returns the new kid.
  core::Result<std::string> RotateKey(const std::string& server_id);
  // Forgets the cached keys and servers (after the store was reset).
  void Forget();

 private:
  struct KeySet {
    std::vector<std::shared_ptr<const SigningKey>> keys;  // active first
  };
  std::optional<AuthServer> LoadLocked(const std::string& id);
  core::Status SaveLocked(const AuthServer& s);
  core::Result<KeySet*> KeysLocked(const std::string& server_id);
  core::Status SaveKeysLocked(const std::string& server_id, const KeySet& ks);
  std::string NowText() const;

  OktaStore& store_;
  OktaIds& ids_;
  const core::Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, KeySet> keys_;
  std::string org_id_;
};

// Okta's JSON for the management API.
core::Json RenderAuthServer(const AuthServer& s, const std::string& org_url);
core::Json RenderScope(const Scope& s);
core::Json RenderClaim(const Claim& c);
// Parses Okta's claim body. Errors: kInvalidValue.
core::Result<Claim> ParseClaim(const core::Json& body);
core::Result<Scope> ParseScope(const core::Json& body);

}  // namespace okta::signon
