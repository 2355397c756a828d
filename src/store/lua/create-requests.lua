-- Stores connect requests and claims each tenant's in-flight slot, all or nothing per item.
-- KEYS[1] requests, KEYS[2] queued, KEYS[3] batch, KEYS[4] batchRequests, KEYS[5] expiry (the batch's
-- two are unused without a batch); then per item: request, credential, inflight, tenantRequests.
-- ARGV[1] JSON {batchId, now, expireAt, items:[{id, tenantId, provider, metadata, cred}]}
-- (`expireAt`: when a batch that is complete at once, with nothing accepted, expires)
-- Returns a JSON array: "" for an accepted item, else the id of the request already in flight.
-- An item whose id is already stored was accepted by an earlier try of the same idempotent call
-- (ids derive from the Idempotency-Key): it is accepted again and nothing is written twice.
local args = cjson.decode(ARGV[1])
local batchId = args.batchId or ''
local now = args.now
local results = {}
local accepted = 0

for i, item in ipairs(args.items) do
  local rk, credential, inflight, tenantRequests = eachKeys(i)
  -- An item stored already was accepted by an earlier try. Otherwise the tenant's in-flight slot is
  -- taken for it, unless another request holds it (SET NX GET answers which).
  local holder = redis.call('EXISTS', rk) == 1 and item.id or redis.call('SET', inflight, item.id, 'NX', 'GET')
  if holder == item.id then
    results[i] = ''
  elseif holder then
    results[i] = holder
  else
    local id = item.id
    redis.call('HSET', rk,
      'tenantId', item.tenantId, 'provider', item.provider,
      'status', 'queued', 'confirmation', 'pending', 'batchId', batchId,
      'metadata', item.metadata, 'createdAt', now, 'updatedAt', now)
    redis.call('SET', credential, item.cred)
    redis.call('ZADD', KEYS[1], 0, id)
    redis.call('ZADD', KEYS[2], 0, id)
    redis.call('ZADD', tenantRequests, 0, id)
    if batchId ~= '' then redis.call('ZADD', KEYS[4], 0, id) end
    results[i] = ''
    accepted = accepted + 1
  end
end

if batchId ~= '' then
  local b = KEYS[3]
  if redis.call('EXISTS', b) == 1 then
    -- A retry of the same idempotent call: only items accepted for the first time are added.
    if accepted > 0 then
      redis.call('HINCRBY', b, 'total', accepted)
      redis.call('HINCRBY', b, 's:queued', accepted)
      redis.call('HINCRBY', b, 'c:pending', accepted)
      redis.call('HDEL', b, 'completedAt')
    end
  else
    redis.call('HSET', b, 'id', batchId, 'total', accepted, 'final', 0, 's:queued', accepted,
      'c:pending', accepted, 'createdAt', now)
    if accepted == 0 then
      redis.call('HSET', b, 'completedAt', now)
      -- The batch goes with all its parts, once all are finished (src/store/retention.ts).
      redis.call('ZADD', KEYS[5], args.expireAt, batchId)
    end
  end
end

return cjson.encode(results)
