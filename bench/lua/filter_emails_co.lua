-- GET /Users?filter=emails.value co "<last>.<n>@" (a substring of one seeded address).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local names
function init(args) names = read_lines(os.getenv("BENCH_DATA") .. "/names.txt"); math.randomseed(tid * 7919) end
function request()
  local name = names[math.random(#names)]
  local frag = name:match("^[^.]+%.([^@]+@)") or name
  return wrk.format("GET", "/scim/v2/Users?filter=" .. url_encode('emails.value co "' .. frag .. '"'))
end
