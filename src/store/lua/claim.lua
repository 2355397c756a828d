-- The validate worker's first step for a batch of requests in one data shard: moves each to
-- `validating` (helpers/move-request.lua, with `below`: the claiming job's attempt number) and loads
-- what validating it needs, so one round trip claims and reads them all.
-- KEYS[1] base, KEYS[2] target (the index of `to`); then per id: request, attempts, credential. The
-- tenant's account pointer is built from the tenant the request names.
-- ARGV[1] JSON {ids:[...], to, from:[...], now, below}.
-- Returns a JSON list, one per id: {result: "applied"|"rejected"|"stale"|"missing", from, request?,
-- attempts?, credential?, tenantAccountId?}: every request that exists comes with its hash, its
-- attempts, its pending credential and the tenant's account id, claimed or not.
local base, a = KEYS[1], cjson.decode(ARGV[1])
local results = {}
for i, id in ipairs(a.ids) do
  local rk, attempts, credential = eachKeys(i)
  a.id = id
  -- Read whole at once: the move reads its fields from these, and they are the answer too.
  local known = {hash = hashOf(rk), attempts = redis.call('LRANGE', attempts, 0, -1)}
  local out, r = moveRequest(base, {request = rk, attempts = attempts, target = KEYS[2]}, a, known)
  if out.result ~= 'missing' then
    out.request = known.hash
    out.attempts = known.attempts
    out.credential = redis.call('GET', credential) or nil
    out.tenantAccountId = redis.call('GET', K.accountByTenant(base, r.provider, r.tenantId)) or nil
  end
  results[i] = out
end
return cjson.encode(results)
