-- wrk script for bench/load.sh: each request is the next line of the plan (a user's session and a path),
-- each thread starting at its own place; counts every answer that is not a 200 and prints p50/p95/p99.
local plan_file = os.getenv("LOAD_PLAN")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
  table.insert(threads, thread)
end

local function gcd(a, b)
  while b ~= 0 do a, b = b, a % b end
  return a
end

function init(args)
  plan = {}
  for line in io.lines(plan_file) do
    local session, path = line:match("^(%S+) (%S+)$")
    if session then table.insert(plan, {session, path}) end
  end
  -- Spread the threads over the plan, then walk it in steps prime to its length, so that users and pages mix.
  position = math.floor(#plan * (offset - 1) / 2) % #plan
  step = 7
  while gcd(step, #plan) ~= 1 do step = step + 1 end
  not_ok = 0
  statuses = {}
end

function request()
  position = (position + step) % #plan
  local entry = plan[position + 1]
  return wrk.format("GET", entry[2], { ["Cookie"] = "sessionid=" .. entry[1] })
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_not_ok = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    total_not_ok = total_not_ok + thread:get("not_ok")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("LOAD requests=%d seconds=%.1f rps=%.1f\n", summary.requests, seconds, summary.requests / seconds))
  io.write(string.format("LOAD latency_ms p50=%.1f p95=%.1f p99=%.1f max=%.1f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("LOAD non_200=%d socket_errors=%d (connect %d, read %d, write %d, timeout %d)\n",
    total_not_ok, socket_errors, errors.connect, errors.read, errors.write, errors.timeout))
  for status, count in pairs(by_status) do
    io.write(string.format("LOAD status %d: %d\n", status, count))
  end
end
