-- Disables an enabled webhook endpoint (its receiver answered 410) and bumps the endpoints' version
-- so every process' endpoint cache reloads. Only an enabled endpoint changes, so of several 410s the
-- first disables it and the others change nothing; an endpoint deleted meanwhile stays deleted.
-- KEYS[1] endpoint, KEYS[2] version (the platform's endpoints version). ARGV[1] JSON {reason, now}.
-- Returns 1 if this call disabled it, else 0.
local a = cjson.decode(ARGV[1])
if redis.call('HGET', KEYS[1], 'status') ~= 'enabled' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'disabled', 'disabledReason', a.reason, 'disabledAt', a.now)
redis.call('INCR', KEYS[2])
return 1
