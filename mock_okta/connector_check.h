// Test Connector Configuration: how Okta judges the answer to each of its
// probe requests. Pure.
#pragma once

#include <string>

#include "mock_okta/scim_client.h"
#include "mock_okta/scim_dialect.h"

namespace okta {

// "" when the answer passes; else the message Okta shows.
std::string ConnectorFailure(const std::string& base_url, const ScimRequest& req, const ScimExchange& ex);

}  // namespace okta
