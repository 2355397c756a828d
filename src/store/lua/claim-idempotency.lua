-- Claims an Idempotency-Key for one call. The entry (fingerprint, id seed, later the response) lives
-- 24 h; the short lease key says a call is working on it. A lease that lapsed (the API died
-- mid-call) is taken over, with the same seed, so the retry re-creates the same records.
-- KEYS[1] entry, KEYS[2] lease. ARGV[1] JSON {entry, leaseMs, ttlSeconds}.
-- Returns JSON {state: "new" | "existing", entry (raw JSON string of the stored entry), claimed}.
local a = cjson.decode(ARGV[1])
local k, lease = KEYS[1], KEYS[2]
local raw = redis.call('GET', k)
if not raw then
  redis.call('SET', k, a.entry, 'EX', a.ttlSeconds)
  redis.call('SET', lease, '1', 'PX', a.leaseMs)
  return cjson.encode({state = 'new', entry = a.entry, claimed = true})
end
local claimed = redis.call('SET', lease, '1', 'PX', a.leaseMs, 'NX') ~= false
return cjson.encode({state = 'existing', entry = raw, claimed = claimed})
