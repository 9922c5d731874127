#include "mock_okta/connector_check.h"

#include "mock_okta/executor.h"

namespace okta {

std::string ConnectorFailure(const std::string& base_url, const ScimRequest& req, const ScimExchange& ex) {
  if (ex.status == 0) return "Could not connect to the SCIM connector base URL " + base_url + ": " + ex.error;
  if (ex.status == 401 || ex.status == 403) {
    return "Error authenticating: " + std::to_string(ex.status) + " " + ReasonPhrase(ex.status) +
           ". Errors reported by remote server: " + RemoteErrorDetail(ex.body);
  }
  if (ex.status != 200) {
    return "Failed to query " + req.path + ": " + std::to_string(ex.status) + " " + ReasonPhrase(ex.status) +
           ". Errors reported by remote server: " + RemoteErrorDetail(ex.body);
  }
  auto list = core::ParseJson(ex.body);
  if (!list.ok()) return "Invalid response from " + req.path + ": " + RemoteErrorDetail(ex.body);
  std::string failure;
  for (const char* k : {"totalResults", "startIndex", "itemsPerPage"}) {
    const core::Json* v = core::FindKeyCi(*list, k);
    if (v && !v->is_number_integer()) failure = std::string("Invalid response from ") + req.path + ": " + k + " must be an integer";
  }
  if (!ListTotal(*list)) failure = "Invalid response from " + req.path + ": totalResults must be an integer";
  return failure;
}

}  // namespace okta
