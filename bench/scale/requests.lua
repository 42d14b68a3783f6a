-- wrk script: cycles through the requests listed in the file named by $BENCH_REQUESTS, one per
-- line, tab-separated: METHOD, PATH, HEADERS ("Name: value" joined by "|", or "-"), BODY ("-"
-- for none). Prints the run's figures as one JSON line.
local lines = {}
local next_line = 1

function init(args)
  math.randomseed(os.time())
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, header_list, body = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)")
    local headers = {}
    for name, value in header_list:gmatch("([^|:]+): ([^|]+)") do headers[name] = value end
    if body ~= "-" then headers["Content-Type"] = "application/json" else body = nil end
    lines[#lines + 1] = wrk.format(method, path, headers, body)
  end
  next_line = math.random(#lines)
end

function request()
  local r = lines[next_line]
  next_line = next_line % #lines + 1
  return r
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "non_2xx": %d, "socket_errors": %d, '
      .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3))
end
