-- wrk script: POST a reference-point request, rotating over the systems given as
-- script arguments (wrk ... -s post_reference_point.lua URL -- SYSTEM_ID...).
-- Without arguments it posts to the URL's own path (used against the Beast baseline).
-- With BENCH_POST_DELAY_MS set in the environment, each connection waits that many
-- milliseconds before each request (a paced load, used by the WebSocket fan-out figure).
local paths = {}
local next_path = 0

function init(args)
  for _, id in ipairs(args) do
    paths[#paths + 1] = "/api/v1/systems/" .. id .. "/reference-points"
  end
end

local body = '{"type":"rct","elementName":"bench"}'
local headers = { ["Content-Type"] = "application/json" }

function request()
  local path = nil
  if #paths > 0 then
    next_path = next_path % #paths + 1
    path = paths[next_path]
  end
  return wrk.format("POST", path, headers, body)
end

local pause = tonumber(os.getenv("BENCH_POST_DELAY_MS") or "")
if pause then
  function delay()
    return pause
  end
end
