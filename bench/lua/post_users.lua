-- POST /Users with a new userName every time (Okta's create body).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local n, run = 0, ""
function init(args) run = tostring(os.time()) .. "." .. tid end
function request()
  n = n + 1
  local u = "wrk." .. run .. "." .. n .. "@example.com"
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. u ..
    '","name":{"givenName":"Load","familyName":"Test"},"emails":[{"primary":true,"value":"' .. u ..
    '","type":"work"}],"displayName":"Load Test","active":true,"password":"x9!Kd0_sP2"}'
  return wrk.format("POST", "/scim/v2/Users", nil, body)
end
