-- Shared by the wrk scripts of mart-bench (get.lua, list.lua, place.lua):
-- reading the seeded ids and printing one JSON line per run, in the same
-- shape as mart-bench --json (target "rest"). BENCH_WORKLOAD and
-- BENCH_CONNECTIONS come from the environment (scripts/bench-rest.sh).
local common = {}

function common.lines(path)
  local list = {}
  for line in io.lines(path) do
    if line ~= "" then list[#list + 1] = line end
  end
  assert(#list > 0, "no lines in " .. path)
  return list
end

function common.pick(list)
  return list[math.random(#list)]
end

function common.report(summary, latency)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  local ok = summary.requests - e.status
  io.write(string.format(
    '{"workload":"%s","target":"rest","clients":%d,"inflight":1,"requests":%d,"errors":%d,' ..
    '"error_codes":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,' ..
    '"mean_ms":%.3f,"baseline":null,"rps_ratio":null,"p50_ratio":null}\n',
    os.getenv("BENCH_WORKLOAD") or "?", tonumber(os.getenv("BENCH_CONNECTIONS") or "0"),
    summary.requests, errors, e.connect, e.read, e.write, e.status, e.timeout, seconds,
    ok / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000))
end

return common
