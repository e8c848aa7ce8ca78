-- order place through mart-rest: POST /api/v1/orders/ of ITEMS random seeded
-- products, one Idempotency-Key per order as a real client sends, as the
-- customers whose tokens are listed (one per line, used in turn by thread).
-- wrk -s place.lua URL -- IDS_FILE TOKENS_FILE ITEMS
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(dir .. "common.lua")
local threads = 0
local ids, tokens, items, token, prefix
local counter = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  ids = common.lines(args[1])
  tokens = common.lines(args[2])
  items = tonumber(args[3] or "2")
  token = tokens[(thread_index or 0) % #tokens + 1]
  local seed = os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000
  math.randomseed(seed)
  prefix = string.format("wrk-%d-%d-", seed, thread_index or 0)
end

function request()
  counter = counter + 1
  local lines = {}
  for i = 1, items do
    lines[i] = '{"product_id":"' .. common.pick(ids) .. '","quantity":1}'
  end
  return wrk.format("POST", "/api/v1/orders/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = prefix .. counter,
  }, '{"items":[' .. table.concat(lines, ",") .. ']}')
end

done = common.report
