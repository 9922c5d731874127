-- Shared by every bench script: auth headers, reading a data file, and one
-- machine-readable RESULT line (requests, req/s, p50 ms, p99 ms, errors).
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "bench-token")
wrk.headers["Content-Type"] = "application/scim+json"

function read_lines(path)
  local t = {}
  for line in io.lines(path) do t[#t + 1] = line end
  return t
end

function url_encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

non2xx = 0
function response(status, headers, body)
  if status >= 300 then
    non2xx = non2xx + 1
    if non2xx <= 3 then io.stderr:write("status " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n") end
  end
end

threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + bad
  io.write(string.format("RESULT %d %.1f %.3f %.3f %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, errors))
end
