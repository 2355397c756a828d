-- Stores a new webhook endpoint unless the platform already has `max` of them (checked and written
-- in one step, so concurrent creations cannot pass the cap together).
-- KEYS[1] endpoints, KEYS[2] endpoint, KEYS[3] version. ARGV[1] JSON {id, fields: {name: value}, max}.
-- Returns 1 if stored, 0 at the cap.
local a = cjson.decode(ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= a.max then return 0 end
local flat = {}
for name, value in pairs(a.fields) do
  flat[#flat + 1] = name
  flat[#flat + 1] = value
end
redis.call('HSET', KEYS[2], unpack(flat))
redis.call('ZADD', KEYS[1], 0, a.id)
redis.call('INCR', KEYS[3])
return 1
