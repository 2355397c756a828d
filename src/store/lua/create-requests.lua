-- Stores connect requests and claims each tenant's in-flight slot, all or nothing per item.
-- KEYS[1] platform base. ARGV[1] JSON {batchId, now, items:[{id, tenantId, provider, metadata, cred}]}.
-- Returns a JSON array: "" for an accepted item, else the id of the request already in flight.
local base = KEYS[1]
local args = cjson.decode(ARGV[1])
local batchId = args.batchId or ''
local now = args.now
local results = {}
local accepted = 0

for i, item in ipairs(args.items) do
  local inflight = base .. ':inflight:' .. item.provider .. ':' .. item.tenantId
  local existing = redis.call('GET', inflight)
  if existing then
    results[i] = existing
  else
    local id = item.id
    redis.call('SET', inflight, id)
    redis.call('HSET', base .. ':cr:' .. id,
      'id', id, 'tenantId', item.tenantId, 'provider', item.provider,
      'status', 'queued', 'confirmation', 'pending', 'batchId', batchId,
      'metadata', item.metadata, 'createdAt', now, 'updatedAt', now)
    redis.call('SET', base .. ':cred:' .. id, item.cred)
    redis.call('ZADD', base .. ':idx:cr', 0, id)
    redis.call('ZADD', base .. ':idx:cr:s:queued', 0, id)
    redis.call('ZADD', base .. ':idx:cr:t:' .. item.tenantId, 0, id)
    if batchId ~= '' then redis.call('ZADD', base .. ':idx:cr:b:' .. batchId, 0, id) end
    results[i] = ''
    accepted = accepted + 1
  end
end

if batchId ~= '' then
  local b = base .. ':bat:' .. batchId
  redis.call('HSET', b, 'id', batchId, 'total', accepted, 'final', 0, 's:queued', accepted,
    'c:pending', accepted, 'createdAt', now)
  if accepted == 0 then redis.call('HSET', b, 'completedAt', now) end
end

return cjson.encode(results)
