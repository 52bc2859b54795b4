-- Read by wrk for the benchmark (bench/run.sh): ends wrk's run with one line of figures the
-- benchmark parses. With BENCH_PUBLISH_KEY set, every request publishes a message as a JSON client.
local key = os.getenv("BENCH_PUBLISH_KEY")
if key then
  wrk.method = "POST"
  wrk.body = "text=published+by+wrk"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d mean_us=%.0f p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(99), latency.max))
end
