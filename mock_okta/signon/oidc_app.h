// OIDC app integrations (signOnMode OPENID_CONNECT): Okta's body shapes for
// settings.oauthClient and credentials.oauthClient, checked on create and
// update, and the client view the authorization servers read.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/model.h"

namespace okta::signon {

// What an authorization server needs of an OIDC app.
struct OidcClient {
  std::string client_id;  // = the app id
  std::string label;
  std::string application_type;  // web | browser | native | service
  std::string auth_method;       // client_secret_basic | client_secret_post | none
  std::string client_secret;     // empty for public clients
  std::vector<std::string> redirect_uris, post_logout_redirect_uris, grant_types, response_types;
  bool active = true;
  bool confidential() const { return auth_method != "none"; }
  bool HasGrant(const std::string& g) const;
  bool HasRedirect(const std::string& uri) const;  // exact match, as Okta compares
  bool HasLogoutRedirect(const std::string& uri) const;
};

// Reads an OPENID_CONNECT app; kNotFound for other sign-on modes.
core::Result<OidcClient> ClientOf(const App& app);

// Applies Okta's create/update body to an OPENID_CONNECT app: validates
// settings.oauthClient (application_type, absolute redirect URIs without
// fragments, grant types allowed for the type, response_types) and
// credentials.oauthClient.token_endpoint_auth_method (default: none for
// browser/native, client_secret_basic otherwise), and issues a client secret
// (core::RandomToken) for confidential clients that have none.
// Errors: kInvalidValue with Okta-style field texts ("settings.oauthClient.redirect_uris: …").
core::Status ApplyOidcBody(const core::Json& body, App* app);

// credentials.oauthClient as Okta renders it.
core::Json RenderOauthClientCredentials(const App& app);

}  // namespace okta::signon
