-- Disables a webhook endpoint (its receiver answered 410) and bumps the endpoints' version so every
-- process' endpoint cache reloads. An endpoint deleted meanwhile stays deleted: EXISTS, so it does
-- not come back as a hash holding only a status.
-- KEYS[1] the endpoint, KEYS[2] the platform's endpoints version. ARGV[1] JSON {now}. Returns 1 if disabled.
local a = cjson.decode(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'disabled', 'disabledAt', a.now)
redis.call('INCR', KEYS[2])
return 1
