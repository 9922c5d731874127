-- GET /Users/<id> for random seeded users.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local ids
function init(args) ids = read_lines(os.getenv("BENCH_DATA") .. "/ids.txt"); math.randomseed(tid * 7919) end
function request() return wrk.format("GET", "/scim/v2/Users/" .. ids[math.random(#ids)]) end
