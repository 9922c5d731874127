-- Okta's membership PATCH on one group: add a user, then remove it with
-- members[value eq "..."], alternating (run with one connection so each
-- remove follows its add). BENCH_PATCH_QUERY is appended to the URL: run.sh
-- sends "?excludedAttributes=members" (a client asking for a small 200) and
-- also Okta's exact request with no query against a server started with
-- --group-patch-response no-content (204).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local ids, n = nil, 0
local group = os.getenv("BENCH_GROUP")
local query = os.getenv("BENCH_PATCH_QUERY") or ""
function init(args) ids = read_lines(os.getenv("BENCH_DATA") .. "/ids.txt") end
function request()
  n = n + 1
  local id = ids[math.floor((n + 1) / 2) % #ids + 1]
  local op
  if n % 2 == 1 then
    op = '{"op":"add","path":"members","value":[{"value":"' .. id .. '","display":"x"}]}'
  else
    op = '{"op":"remove","path":"members[value eq \\"' .. id .. '\\"]"}'
  end
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[' .. op .. ']}'
  return wrk.format("PATCH", "/scim/v2/Groups/" .. group .. query, nil, body)
end
