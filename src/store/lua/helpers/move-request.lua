-- Helper (src/store/scripts.ts prepends it to the scripts that name it): a connect request's status move,
-- shared by claim.lua, move.lua and finish-request.lua.

local function hashOf(k)
  local flat, h = redis.call('HGETALL', k), {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return h
end

-- Moves the request (`ks.request`, its attempts `ks.attempts`) to `a.to` when its status is one of
-- `a.from` (the allowed sources, from src/domain/connect-request-state.ts), keeping the status
-- indexes (`ks.target` is a.to's; the one it leaves is built from the status read) and its batch's
-- counters in step. The job protocol's compare-and-set (src/queues/work-job.ts): `a.below` applies
-- only while the request holds fewer attempts than that, else answers `stale`; `a.recorded` only while
-- it holds exactly that many, else `conflict`. `a.attempt` is appended; `a.spentMs` stores the
-- validation budget spent so far.
-- Returns the answer {result: "applied"|"rejected"|"stale"|"conflict"|"missing", from, request?}
-- (`request`: the stored hash of a request rejected because it is final already) and the request as
-- read: {status, batchId ('' for none), tenantId, provider}.
local function moveRequest(base, ks, a)
  local cur = redis.call('HMGET', ks.request, 'status', 'batchId', 'tenantId', 'provider')
  local r = {status = cur[1], batchId = cur[2] or '', tenantId = cur[3], provider = cur[4]}
  local status = r.status
  if not status then return {result = 'missing'}, r end

  local allowed = false
  for _, s in ipairs(a.from) do if s == status then allowed = true end end
  if not allowed then
    local out = {result = 'rejected', from = status}
    if status == 'linked' or status == 'failed' then out.request = hashOf(ks.request) end
    return out, r
  end

  if a.below or a.recorded then
    local recorded = redis.call('LLEN', ks.attempts)
    if a.below and recorded >= a.below then return {result = 'stale', from = status}, r end
    if a.recorded and recorded ~= a.recorded then return {result = 'conflict', from = status}, r end
  end

  local to = a.to
  redis.call('HSET', ks.request, 'status', to, 'updatedAt', a.now)
  if a.spentMs then redis.call('HSET', ks.request, 'spentMs', a.spentMs) end
  if a.attempt then redis.call('RPUSH', ks.attempts, cjson.encode(a.attempt)) end
  if status ~= to then
    redis.call('ZREM', K.requestsByStatus(base, status), a.id)
    redis.call('ZADD', ks.target, 0, a.id)
    if r.batchId ~= '' then
      local bk = K.batch(base, r.batchId)
      redis.call('HINCRBY', bk, 's:' .. status, -1)
      redis.call('HINCRBY', bk, 's:' .. to, 1)
    end
  end
  return {result = 'applied', from = status}, r
end
