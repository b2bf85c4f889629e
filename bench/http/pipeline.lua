-- wrk script for bench/http's pipelined scenario: every write carries DEPTH requests
-- (default 16, `wrk ... -s pipeline.lua URL -- 16`); wrk counts each response separately.
local batch

function init(args)
  local depth = tonumber(args[1]) or 16
  local requests = {}
  for i = 1, depth do
    requests[i] = wrk.format(nil, wrk.path)
  end
  batch = table.concat(requests)
end

function request()
  return batch
end
