-- GET /Users?filter=userName eq "<random seeded userName>" (Okta's lookup before a create).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local names
function init(args) names = read_lines(os.getenv("BENCH_DATA") .. "/names.txt"); math.randomseed(tid * 7919) end
function request()
  local f = 'userName eq "' .. names[math.random(#names)] .. '"'
  return wrk.format("GET", "/scim/v2/Users?filter=" .. url_encode(f))
end
