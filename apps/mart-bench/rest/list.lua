-- filtered product list through mart-rest: a random category, a price band,
-- a page of LIMIT. wrk -s list.lua URL -- CATEGORIES_FILE MIN_PRICE MAX_PRICE LIMIT
local dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(dir .. "common.lua")
local categories, query

function init(args)
  categories = common.lines(args[1])
  query = "&min_price=" .. args[2] .. "&max_price=" .. args[3] .. "&limit=" .. args[4]
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  return wrk.format("GET", "/api/v1/products/?category=" .. common.pick(categories) .. query)
end

done = common.report
