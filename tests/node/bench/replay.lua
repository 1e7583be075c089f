-- wrk script: replays pre-signed requests (prepare.mjs) once each, split across wrk threads.
-- Usage: wrk -t T -c C -d D -s replay.lua URL -- FILE T
-- Prints one "IDOS_BENCH ..." line with the figures scripts/bench.d/node.sh reports.
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local file = args[1]
  local nthreads = tonumber(args[2])
  requests = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid then
      local method, path, signed, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = { ["Idos-Signed-Request"] = signed }
      if body == "" then
        body = nil
      else
        headers["Content-Type"] = "application/json"
      end
      requests[#requests + 1] = wrk.format(method, path, headers, body)
    end
    i = i + 1
  end
  index = 0
end

function request()
  index = index + 1
  if index > #requests then
    -- Out of pre-signed requests: stop; the replay sent meanwhile counts as a non-2xx answer.
    wrk.thread:stop()
    return requests[#requests]
  end
  return requests[index]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "IDOS_BENCH requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
