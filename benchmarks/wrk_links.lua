-- wrk script for the redirect phase of `python -m benchmarks bench_load`:
-- each request asks for a random tracked link among the codes given after `--`,
-- counts the answers per kind, and prints one machine-readable summary line at the end.
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  codes = args
  sent, answered, redirects = 0, 0, 0
  math.randomseed(os.time() * 1000 + id)
end

function request()
  sent = sent + 1
  local code = codes[math.random(#codes)]
  return wrk.format("GET", "/l/" .. code, { ["User-Agent"] = "Mozilla/5.0 bench" })
end

function response(status, headers, body)
  answered = answered + 1
  if status == 302 then
    redirects = redirects + 1
  end
end

function done(summary, latency, requests)
  local total_sent, total_answered, total_redirects = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_answered = total_answered + thread:get("answered")
    total_redirects = total_redirects + thread:get("redirects")
  end
  local e = summary.errors
  io.write(string.format(
    "TRIBUNE-WRK requests=%d sent=%d answered=%d redirects=%d duration_us=%d "
      .. "p50_us=%d p95_us=%d p99_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, total_sent, total_answered, total_redirects, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status
  ))
end
