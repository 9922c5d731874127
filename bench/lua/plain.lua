-- GET the URL given to wrk (the fixed-body ceiling).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
