-- GET /row/<random pk> on bare_server sqlite (the SQLite ceiling).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local n = tonumber(os.getenv("BENCH_USERS"))
function init(args) math.randomseed(tid * 7919) end
function request() return wrk.format("GET", "/row/" .. math.random(1, n)) end
