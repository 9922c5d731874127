-- A mixed SCIM load for the WAL bench (bench/wal_bench.sh). Per request:
-- 55 % GET /Users/<id>, 15 % GET /Users?filter=userName eq, 5 % a page of 100
-- Users at a random startIndex (Okta's user import reads such pages),
-- 15 % PUT /Users/<id> (put_users.lua's profile push), 10 % POST /Users
-- (post_users.lua's create).
dofile(os.getenv("BENCH_LUA") .. "/put_users.lua")
local put_init, put_request = init, request
dofile(os.getenv("BENCH_LUA") .. "/post_users.lua")
local post_init, post_request = init, request
local rows = {}
function init(args)
  put_init(args)
  post_init(args)
  for _, line in ipairs(read_lines(os.getenv("BENCH_DATA") .. "/id_names.txt")) do
    local id, name = line:match("^(%S+) (%S+)$")
    rows[#rows + 1] = {id, name}
  end
  math.randomseed(os.time() * 31 + tid * 7919)
end
function request()
  local x = math.random(100)
  if x <= 55 then
    return wrk.format("GET", "/scim/v2/Users/" .. rows[math.random(#rows)][1])
  elseif x <= 60 then
    return wrk.format("GET", "/scim/v2/Users?count=100&startIndex=" .. math.random(#rows * 10))
  elseif x <= 75 then
    return wrk.format("GET", "/scim/v2/Users?filter=" .. url_encode('userName eq "' .. rows[math.random(#rows)][2] .. '"'))
  elseif x <= 90 then
    return put_request()
  end
  return post_request()
end
