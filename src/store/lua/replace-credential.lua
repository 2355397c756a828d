-- Re-encrypts a stored credential in place, only if it still holds the ciphertext that was read:
-- a credential replaced, moved or destroyed meanwhile is left alone.
-- KEYS[1] credential. ARGV[1] JSON {old, fresh}. Returns 1 if replaced, else 0.
local a = cjson.decode(ARGV[1])
if redis.call('GET', KEYS[1]) ~= a.old then return 0 end
redis.call('SET', KEYS[1], a.fresh, 'KEEPTTL')
return 1
