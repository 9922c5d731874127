// The mock Okta's domain types: directory (users, groups), app integrations
// with their provisioning settings, assignments, group push mappings, and
// what the engine produces (tasks; jobs are in job.h).
// Times are ISO 8601 strings from the mock's clock. Each type has a JSON
// form used only for storage (see okta_store.cpp); the Okta API shapes are
// built in render.cpp.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "mock_okta/job.h"

namespace okta {

// Okta user statuses (lifecycle): STAGED → PROVISIONED/ACTIVE; ACTIVE ⇄
// SUSPENDED; any → DEPROVISIONED (deactivated); DEPROVISIONED → ACTIVE.
struct User {
  std::string id;  // 00u + 17 base62
  std::string status = "STAGED";
  std::string created, activated, status_changed, last_updated, password_changed;
  core::Json profile = core::Json::object();  // login, email, firstName, lastName, …
  std::string password;                       // never rendered
  int64_t seq = 0;                            // list order (store-assigned)
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(User, id, status, created, activated, status_changed, last_updated,
                                                password_changed, profile, password)

struct Group {
  std::string id;  // 00g…
  std::string name, description;
  std::string created, last_updated, last_membership_updated;
  int64_t seq = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Group, id, name, description, created, last_updated,
                                                last_membership_updated)

// The provisioning settings of an app integration (Provisioning tab).
struct Provisioning {
  bool scim_enabled = false;  // General → App Settings → Provisioning: SCIM
  bool enabled = false;       // USER_PROVISIONING feature / connection activated
  std::string base_url;       // SCIM connector base URL
  std::string auth_mode = "header_bearer";  // header_bearer | basic | header_verbatim
  std::string token;                        // bearer token or verbatim header value
  std::string basic_username, basic_password;
  std::string unique_field = "userName";  // "Unique identifier field for users"; [I] used as the filter attribute
  // Supported provisioning actions.
  bool push_new_users = true, push_profile_updates = true, push_groups = true;
  bool import_users = false, import_groups = false;
  // To App toggles: off on a new app, as in Okta (the preset app of `up` turns them on).
  bool create_users = false, update_attributes = false, deactivate_users = false, sync_password = false;
  std::string client_profile = "aiw_put";  // aiw_put (Profile B) | oin_patch (Profile A)
  std::string username_format = "okta_username";  // okta_username | email | email_prefix | custom_prefix
  std::string username_prefix;                    // for custom_prefix
  // Wire details marked [I] in the reference, as settings with its defaults.
  bool query_plus = false;             // '+' instead of %20 in filters
  bool connection_keep_alive = true;   // send "Connection: Keep-Alive"
  std::string locale = "en-US";        // default locale when the profile has none (2018: en_US)
  int timeout_ms = 60000;              // response timeout (Okta: 60 s)
  int patch_batch_size = 100;          // Profile A membership changes per PATCH (100–1000)
  bool rename_groups = true;           // "Rename app groups to match group name in Okta"
  bool rename_after_membership_patch = true;  // Profile A: GET + rename PATCH after membership PATCH
  bool group_put_includes_id = true;   // Profile B group PUT carries "id" (2018 sample)
  bool group_lookup_before_create = true;  // GET /Groups?filter=displayName eq … before POST
  int rate_limit_default_wait_s = 300;     // 429 without integer Retry-After
  int rate_limit_max_attempts = 10;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Provisioning, scim_enabled, enabled, base_url, auth_mode, token,
                                                basic_username, basic_password, unique_field, push_new_users,
                                                push_profile_updates, push_groups, import_users, import_groups,
                                                create_users, update_attributes, deactivate_users, sync_password,
                                                client_profile, username_format, username_prefix, query_plus,
                                                connection_keep_alive, locale, timeout_ms, patch_batch_size,
                                                rename_groups, rename_after_membership_patch, group_put_includes_id,
                                                group_lookup_before_create, rate_limit_default_wait_s,
                                                rate_limit_max_attempts)

struct App {
  std::string id;  // 0oa…
  std::string name;  // e.g. "nordpassprovisioning_1" (AIW apps get a generated name)
  std::string label;
  std::string sign_on_mode = "AUTO_LOGIN";  // AUTO_LOGIN (SWA) | BROWSER_PLUGIN | SAML_2_0 | OPENID_CONNECT
  std::string status = "ACTIVE";
  std::string created, last_updated;
  core::Json settings = core::Json::object();  // rendered back as "settings" (OIDC: settings.oauthClient)
  Provisioning prov;
  // OPENID_CONNECT apps: the client's credentials. The client id is the app
  // id (as in Okta); the secret is empty for public clients (auth method none).
  std::string token_auth_method;  // client_secret_basic | client_secret_post | none
  std::string client_secret;
  int64_t seq = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(App, id, name, label, sign_on_mode, status, created, last_updated,
                                                settings, prov, token_auth_method, client_secret)

// A user's assignment to an app (Okta's AppUser). `external_id` is the SCIM
// server's `id` once linked; empty means never linked (an orphan: later
// deactivations send nothing).
struct AppUser {
  std::string app_id, user_id;
  std::string scope = "USER";  // USER (direct) or GROUP (through an assigned group)
  bool direct = true;          // assigned directly (a user may be both)
  std::vector<std::string> via_groups;  // assigned groups that bring the user in
  AppUserStatus status = AppUserStatus::kStaged;  // DEPROVISIONED: unassigned, deactivated remotely
  SyncState sync_state = SyncState::kPending;
  std::string external_id;
  std::string user_name;  // application username
  bool remote_active = false;
  core::Json last_pushed = core::Json::object();  // MappedUser last sent, to compute changed attributes
  core::Json profile = core::Json::object();      // app user profile (rendered)
  std::string created, last_updated, status_changed, last_sync;
  int64_t seq = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AppUser, app_id, user_id, scope, direct, via_groups, status,
                                                sync_state, external_id, user_name, remote_active, last_pushed,
                                                profile, created, last_updated, status_changed, last_sync)

struct AppGroup {
  std::string app_id, group_id;
  int priority = 0;
  core::Json profile = core::Json::object();
  std::string last_updated;
  int64_t seq = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AppGroup, app_id, group_id, priority, profile, last_updated)

// A Group Push mapping: Okta group → SCIM group.
struct GroupPush {
  std::string id;  // gPm…
  std::string app_id, source_group_id;
  std::string target_group_id;    // SCIM group id once pushed/linked
  std::string target_group_name;  // name used on create
  std::string status = "ACTIVE";  // ACTIVE | INACTIVE | ERROR
  bool link_existing = false;     // "Link Group" instead of "Create Group"
  std::vector<std::string> pushed_member_ids;  // Okta user ids last pushed
  std::string pushed_name;                     // display name last pushed
  std::string error_summary;
  std::string created, last_updated, last_push;
  int64_t seq = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GroupPush, id, app_id, source_group_id, target_group_id,
                                                target_group_name, status, link_existing, pushed_member_ids,
                                                pushed_name, error_summary, created, last_updated, last_push)

// A failed job shown on Dashboard → Tasks, with a retry action.
struct Task {
  std::string id;
  TaskStatus status = TaskStatus::kOpen;
  std::string app_id, user_id, group_id;
  std::string message;
  std::string created, last_updated;
  Job job;
  int64_t seq = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Task, id, status, app_id, user_id, group_id, message, created,
                                                last_updated, job)

}  // namespace okta
