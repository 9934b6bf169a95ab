-- wrk script for Genie's POST /prompts.
--   wrk ... -s prompts.lua URL -- new  RUN   every request a prompt never sent before
--   wrk ... -s prompts.lua URL -- same RUN   every request the same prompt
-- RUN names the phase, so that no two phases of one benchmark share a prompt.
-- done() prints one line for run.sh: "WRK requests seconds p50_us p99_us errors non_2xx".

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  mode = args[1] or "new"
  run = args[2] or tostring(os.time())
  sent = 0
  wrk.method = "POST"
  wrk.path = "/prompts"
  wrk.headers["Content-Type"] = "application/json"
  if mode == "same" then
    wrk.body = string.format('{"prompt":"Write a short poem about %s"}', run)
  end
end

function request()
  if mode == "same" then
    return wrk.format()
  end
  sent = sent + 1
  return wrk.format(nil, nil, nil,
    string.format('{"prompt":"Write a short poem about %s, number %d of thread %d"}', run, sent, tid))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %.6f %d %d %d %d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
