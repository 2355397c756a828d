-- Stores a new webhook endpoint unless the platform already has `max` of them (checked and written
-- in one step, so concurrent creations cannot pass the cap together).
-- KEYS[1] platform base. ARGV[1] JSON {id, fields: {name: value}, max}. Returns 1 if stored, 0 at the cap.
local base = KEYS[1]
local a = cjson.decode(ARGV[1])
local index = base .. ':idx:we'
if redis.call('ZCARD', index) >= a.max then return 0 end
local flat = {}
for name, value in pairs(a.fields) do
  flat[#flat + 1] = name
  flat[#flat + 1] = value
end
redis.call('HSET', base .. ':we:' .. a.id, unpack(flat))
redis.call('ZADD', index, 0, a.id)
redis.call('INCR', base .. ':we-version')
return 1
