-- product get through mart-rest: GET /api/v1/products/{id} of a random seeded
-- product. wrk -s get.lua URL -- IDS_FILE (one product id per line)
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(dir .. "common.lua")
local ids

function init(args)
  ids = common.lines(args[1])
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  return wrk.format("GET", "/api/v1/products/" .. common.pick(ids))
end

done = common.report
