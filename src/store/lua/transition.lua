-- Moves a connect request to a new status when its current status allows it (the allowed sources
-- come from src/domain/connect-request-state.ts), keeping indexes and batch counters in step.
-- Reaching a final status releases the tenant's in-flight slot; `linked` creates or updates the
-- account and moves the credential onto it, `failed` destroys the credential.
-- A final status retires the request (lib.lua `retire`): it, its attempts and its result event expire at
-- `expireAt` (ms), and its batch too when it was the batch's last.
-- KEYS[1] platform base. ARGV[1] JSON {id, to, from:[...], now, expireAt, historyLimit, attempt?, error?, link?, read?,
-- recorded?, below?, spentMs?}, or {ids:[...], to, from, now, read?, below?} to move several requests at once
-- (a claim), answered with a list.
-- Returns JSON {result: "applied"|"rejected"|"stale"|"conflict"|"missing", from, accountId?, operation?, request?}; `request`
-- (the stored hash) comes with every final status whose event this call did not record, so the caller
-- can publish the result without reading it back.
-- `read` (the validate worker's first step) adds the request, its attempts, its pending credential and
-- the tenant's account id to any existing request's answer: one round trip claims and loads it.
-- The job protocol's compare-and-set (src/queues/work-job.ts): `below` (a claim) applies only while the
-- request holds fewer attempts than that, else answers `stale`; `recorded` applies only while it holds
-- exactly that many, else answers `conflict`. `spentMs` stores the validation budget spent so far.
-- `event` (a final status) is the result event built by the caller from the state it expects
-- ({recordEvent args, accountId, operation}); it is recorded in the same step when that state came
-- true (for `linked`: the same account and operation), and `published` lists its pending messages.
local function hashOf(k)
  local flat, h = redis.call('HGETALL', k), {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return h
end

local function transition(base, a)
  local rk = K.request(base, a.id)
  local cur = redis.call('HMGET', rk, 'status', 'batchId', 'tenantId', 'provider')
  local status, batchId, tenantId, provider = cur[1], cur[2], cur[3], cur[4]
  if not status then return {result = 'missing'} end
  local byTenant = K.accountByTenant(base, provider, tenantId)

  local function withRecord(out)
    if a.read then
      out.request = hashOf(rk)
      out.attempts = redis.call('LRANGE', K.requestAttempts(base, a.id), 0, -1)
      out.credential = redis.call('GET', K.pendingCredential(base, a.id)) or nil
      out.tenantAccountId = redis.call('GET', byTenant) or nil
    end
    return out
  end

  local allowed = false
  for _, s in ipairs(a.from) do if s == status then allowed = true end end
  if not allowed then
    local out = {result = 'rejected', from = status}
    if status == 'linked' or status == 'failed' then out.request = hashOf(rk) end
    return withRecord(out)
  end

  if a.below or a.recorded then
    local recorded = redis.call('LLEN', K.requestAttempts(base, a.id))
    if a.below and recorded >= a.below then return withRecord({result = 'stale', from = status}) end
    if a.recorded and recorded ~= a.recorded then return {result = 'conflict', from = status} end
  end

  local to, now = a.to, a.now
  redis.call('HSET', rk, 'status', to, 'updatedAt', now)
  if a.spentMs then redis.call('HSET', rk, 'spentMs', a.spentMs) end
  if a.attempt then redis.call('RPUSH', K.requestAttempts(base, a.id), cjson.encode(a.attempt)) end
  if status ~= to then
    redis.call('ZREM', K.requestsByStatus(base, status), a.id)
    redis.call('ZADD', K.requestsByStatus(base, to), 0, a.id)
  end

  local bk = K.batch(base, batchId or '')
  if batchId and batchId ~= '' and status ~= to then
    redis.call('HINCRBY', bk, 's:' .. status, -1)
    redis.call('HINCRBY', bk, 's:' .. to, 1)
  end

  local out = {result = 'applied', from = status}
  if to ~= 'linked' and to ~= 'failed' then return withRecord(out) end

  -- (completedAt is the final status' updatedAt: not stored twice.)
  local inflight = K.inflight(base, provider, tenantId)
  if redis.call('GET', inflight) == a.id then redis.call('DEL', inflight) end
  retire(K.expiry(base), {rk, K.requestAttempts(base, a.id)}, a.expireAt, a.id .. '|' .. tenantId)
  if batchId and batchId ~= '' then
    local final = redis.call('HINCRBY', bk, 'final', 1)
    if final >= tonumber(redis.call('HGET', bk, 'total')) then
      redis.call('HSET', bk, 'completedAt', now)
      -- The batch goes with all its parts, once all are finished (src/store/retention.ts).
      redis.call('ZADD', K.expiry(base), a.expireAt, batchId)
    end
  end
  local eventKeys
  if a.event then
    a.event.expireAt = a.expireAt
    eventKeys = {event = K.event(base, a.event.dedupe), messages = K.messageIndex(base), request = rk, requestMessages = K.messagesByRequest(base, a.id),
      messageKeys = function(i) local id = a.event.messages[i].id return K.message(base, id), K.messageBody(base, id) end}
  end

  local credKey = K.pendingCredential(base, a.id)
  if to == 'failed' then
    redis.call('DEL', credKey)
    redis.call('HSET', rk, 'errorCode', a.error.code, 'errorMessage', a.error.message)
    if a.event then out.published = recordEvent(base, eventKeys, a.event).pending
    else out.request = hashOf(rk) end
    return out
  end

  -- linked
  local link = a.link
  local accountId = redis.call('GET', byTenant)
  local operation = 'updated'
  if not accountId then
    accountId = link.accountId
    operation = 'created'
    redis.call('SET', byTenant, accountId)
    redis.call('ZADD', K.accountIndex(base), 0, accountId)
    redis.call('HSET', K.account(base, accountId), 'tenantId', tenantId, 'provider', provider, 'createdAt', now)
  end
  local ak, hk = K.account(base, accountId), K.accountHistory(base, accountId)
  local previous = redis.call('HGET', ak, 'status')
  if previous and previous ~= 'active' then redis.call('ZREM', K.accountsByStatus(base, previous), accountId) end
  -- Linked again before its revoked record expired: it lives on (see account-status.lua).
  if previous == 'revoked' then revive(K.expiry(base), {ak, hk}, accountId .. '|' .. provider .. '|' .. tenantId) end
  redis.call('ZADD', K.accountsByStatus(base, 'active'), 0, accountId)
  if redis.call('EXISTS', credKey) == 1 then redis.call('RENAME', credKey, K.accountCredential(base, accountId)) end
  -- A created account's one history entry is implied by its hash (lib.lua appendHistory).
  if operation == 'updated' then
    appendHistory(ak, hk, {at = now, status = 'active', reason = 'linked by ' .. a.id, connectRequestId = a.id, operation = operation}, a.historyLimit)
  end
  -- A link sets linkedAt only: lastValidatedAt, updatedAt and lastReason read as the link's until they change.
  redis.call('HSET', ak, 'status', 'active', 'companyIdentifier', link.company.identifier,
    'companyName', link.company.name, 'fingerprint', link.fingerprint, 'linkedAt', now, 'connectRequestId', a.id)
  redis.call('HDEL', ak, 'lastValidatedAt', 'updatedAt', 'lastReason')
  redis.call('HSET', rk, 'accountId', accountId, 'operation', operation,
    'companyIdentifier', link.company.identifier, 'companyName', link.company.name)
  out.accountId = accountId
  out.operation = operation
  if a.event and a.event.accountId == accountId and a.event.operation == operation then
    out.published = recordEvent(base, eventKeys, a.event).pending
  else
    out.request = hashOf(rk)
  end
  return out
end

local base, a = KEYS[1], cjson.decode(ARGV[1])
if a.ids then
  local results = {}
  for i, id in ipairs(a.ids) do
    a.id = id
    results[i] = transition(base, a)
  end
  return cjson.encode(results)
end
return cjson.encode(transition(base, a))
