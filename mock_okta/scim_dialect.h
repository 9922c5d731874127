// Okta's SCIM dialect: pure builders from Okta state and app settings to the
// exact SCIM requests Okta sends (method, path, query string and its
// encoding, headers in Okta's order, compact JSON bodies in Okta's key
// order), the default attribute mapping, and readers of server answers. No
// I/O, no clock, no randomness: callers pass ids, passwords and server
// answers in. Which request comes next is decided by the flows (flows.h),
// not here. See docs/okta-behaviour.md §1.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/json_util.h"

namespace okta {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

// One SCIM request, relative to the app's connector base URL.
struct ScimRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // below the base path, e.g. "/Users/abc"
  std::string query;   // encoded, without '?'; "" when none
  std::vector<Header> headers;  // in Okta's order; includes Host and Content-Length
  std::string body;             // "" when none
  // path + ("?" + query when present)
  std::string Target() const { return query.empty() ? path : path + "?" + query; }
};

enum class ClientProfile {
  kOinPatch,  // Profile A: OIN catalog / PATCH-capable
  kAiwPut,    // Profile B: App Integration Wizard custom app (default)
};
const char* ClientProfileName(ClientProfile p);  // "oin_patch" / "aiw_put"
std::optional<ClientProfile> ParseClientProfile(const std::string& s);

enum class AuthMode {
  kHeaderBearer,    // AIW "HTTP Header": Okta prepends "Bearer "
  kBasic,           // Basic base64(user:pass)
  kHeaderVerbatim,  // OIN "Header Auth" template: the value is sent as typed
};
const char* AuthModeName(AuthMode m);  // "header_bearer" / "basic" / "header_verbatim"
std::optional<AuthMode> ParseAuthMode(const std::string& s);

// What decides the header block of every request.
struct WireSettings {
  AuthMode auth = AuthMode::kHeaderBearer;
  std::string token;     // bearer token or verbatim header value
  std::string username;  // Basic
  std::string password;  // Basic
  std::string host;      // Host header value: host[:port] of the base URL
  bool query_plus = false;        // [I] '+' for spaces in filters (2018 capture); default %20 (docs)
  bool connection_keep_alive = true;  // "Connection: Keep-Alive" (2018 direct capture)
};

// Okta's header block, in Okta's order (2018 capture, S11): Accept,
// Accept-Charset, Content-Type (bodies only), User-Agent, Authorization,
// Content-Length (bodies only), Host, Connection, Accept-Encoding.
std::vector<Header> BuildHeaders(const WireSettings& w, const std::string& body);
std::string AuthorizationValue(const WireSettings& w);

// "a=b&c=d" with each value percent-encoded (%20 or '+' for spaces).
std::string BuildQuery(const std::vector<std::pair<std::string, std::string>>& params, bool space_as_plus);
// `attr eq "value"` with '"' and '\' escaped.
std::string EqFilter(const std::string& attr, const std::string& value);

// ---- request builders --------------------------------------------------
ScimRequest ListUsersRequest(const WireSettings& w, int start_index, int count);
ScimRequest ListGroupsRequest(const WireSettings& w, int start_index, int count);
// GET /Users?filter=<attr> eq "<value>"&startIndex=1&count=100
ScimRequest FindUserRequest(const WireSettings& w, const std::string& attr, const std::string& value);
ScimRequest FindGroupRequest(const WireSettings& w, const std::string& display_name);
ScimRequest GetRequest(const WireSettings& w, const std::string& path);
ScimRequest BodyRequest(const WireSettings& w, const std::string& method, const std::string& path,
                        const core::Json& body);
ScimRequest DeleteRequest(const WireSettings& w, const std::string& path);

// ---- user mapping --------------------------------------------------------
// The app user's SCIM attributes as Okta's default AIW mappings produce them
// from the Okta profile. Empty values are left out of bodies.
struct MappedUser {
  std::string user_name;    // the application username
  std::string given_name;   // firstName
  std::string family_name;  // lastName
  std::string email;        // email (work, primary)
  std::string display_name; // displayName, else "firstName lastName"
  std::string locale;       // profile locale, else the app's default
  std::string title;        // title
  std::string mobile_phone; // mobilePhone → phoneNumbers[type=mobile]   [I]
  std::string department;   // department → enterprise extension          [D] S14
  std::string external_id;  // the Okta user id (00u…)
  bool operator==(const MappedUser&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MappedUser, user_name, given_name, family_name, email, display_name,
                                                locale, title, mobile_phone, department, external_id)
// Attribute keys used to say which mapped attributes changed.
// "userName","name.givenName","name.familyName","emails","displayName",
// "locale","title","phoneNumbers","department"
std::set<std::string> ChangedAttributes(const MappedUser& before, const MappedUser& after);
std::set<std::string> AllAttributes();

// Application username format (Sign On tab).
enum class UsernameFormat { kOktaUsername, kEmail, kEmailPrefix, kCustomPrefix };
std::optional<UsernameFormat> ParseUsernameFormat(const std::string& s);
const char* UsernameFormatName(UsernameFormat f);
// custom_prefix is prepended to the Okta username for kCustomPrefix.
std::string AppUsername(const core::Json& profile, UsernameFormat format, const std::string& custom_prefix);
MappedUser MapUser(const std::string& okta_user_id, const core::Json& profile, const std::string& app_username,
                   const std::string& default_locale);

// ---- bodies ----------------------------------------------------------------
inline constexpr const char* kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr const char* kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr const char* kPatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr const char* kEnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

// POST /Users (S1 key order): schemas, userName, name, emails, displayName,
// locale, externalId, groups:[], password, active:true; [I] title and
// phoneNumbers after displayName, the enterprise extension last.
core::Json UserCreateBody(const MappedUser& u, const std::string& password);
// PUT /Users/{id}: the server's GET body with the `changed` attributes
// overwritten in place (keys keep the server's order; new keys appended),
// `active` set when given, `password` set when given.
core::Json MergeUserForPut(const core::Json& server_user, const MappedUser& u, const std::set<std::string>& changed,
                           std::optional<bool> active, const std::optional<std::string>& password);
// PATCH path-less replace {"active":b} (118 bytes for false).
core::Json PatchActiveBody(bool active);
// [I] PATCH path-less replace {"password":pw} (Profile A password sync).
core::Json PatchPasswordBody(const std::string& password);

struct Member {
  std::string value;    // the SCIM server's user id
  std::string display;  // the application username
  bool operator==(const Member&) const = default;
};
core::Json GroupCreateBody(const std::string& display_name);  // members:[]
// Profile B full PUT; `id` included when non-empty (2018 sample).
core::Json GroupPutBody(const std::string& id, const std::string& display_name, const std::vector<Member>& members);
// Profile A: one remove op per removed id (value-filter path), then one add op.
core::Json GroupMembersPatchBody(const std::vector<std::string>& remove_ids, const std::vector<Member>& add);
// Profile A "Push Now": replace path members with the full list.
core::Json GroupReplaceMembersPatchBody(const std::vector<Member>& all);
// Profile A rename: path-less replace whose value repeats the group id.
core::Json GroupRenamePatchBody(const std::string& id, const std::string& display_name);

// Splits membership changes into PATCH bodies of at most `batch` changes.
std::vector<core::Json> BatchedMembersPatches(const std::vector<std::string>& remove_ids,
                                              const std::vector<Member>& add, int batch);

// ---- reading answers -----------------------------------------------------
// A ListResponse's Resources (also "resources", tolerated by Okta); the
// totalResults as an integer, or nullopt when missing or not a JSON integer.
std::vector<core::Json> ListResources(const core::Json& list);
std::optional<long long> ListTotal(const core::Json& list);
// The SCIM error `detail` (or a short text) for task messages.
std::string RemoteErrorDetail(const std::string& body);

}  // namespace okta
