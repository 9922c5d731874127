-- POST /Bulk with BENCH_BULK_OPS (1000) User creates per request.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local ops = tonumber(os.getenv("BENCH_BULK_OPS") or "1000")
local n, run = 0, ""
function init(args) run = tostring(os.time()) .. "." .. tid end
function request()
  n = n + 1
  local parts = {}
  for i = 1, ops do
    local u = "bulk." .. run .. "." .. n .. "." .. i .. "@example.com"
    parts[i] = '{"method":"POST","path":"/Users","bulkId":"b' .. i .. '","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' ..
      u .. '","name":{"givenName":"Bulk","familyName":"User"},"emails":[{"value":"' .. u .. '","type":"work","primary":true}],"active":true}}'
  end
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/scim/v2/Bulk", nil, body)
end
