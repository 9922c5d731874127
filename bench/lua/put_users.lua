-- PUT /Users/<id> of random seeded users (Okta's profile push of an AIW app).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local rows, n = {}, 0
function init(args)
  for _, line in ipairs(read_lines(os.getenv("BENCH_DATA") .. "/id_names.txt")) do
    local id, name = line:match("^(%S+) (%S+)$")
    rows[#rows + 1] = {id, name}
  end
  math.randomseed(tid * 7919)
end
function request()
  n = n + 1
  local r = rows[math.random(#rows)]
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"' .. r[1] .. '","userName":"' .. r[2] ..
    '","name":{"givenName":"Put","familyName":"Number' .. n .. '"},"emails":[{"primary":true,"value":"' .. r[2] ..
    '","type":"work"}],"displayName":"Put ' .. n .. '","active":true}'
  return wrk.format("PUT", "/scim/v2/Users/" .. r[1], nil, body)
end
