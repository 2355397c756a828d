-- Shared helpers, prepended to every script by src/store/scripts.ts.

local function contains(list, value)
  for _, v in ipairs(list) do if v == value then return true end end
  return false
end

-- Moves a request's confirmation to `to` when the rules (from src/domain/connect-request-state.ts,
-- passed in by the caller as {to: [allowed sources]}) allow it; keeps batch counters in step.
local function setConfirmation(base, requestId, to, rules, now)
  local rk = base .. ':cr:' .. requestId
  local cur = redis.call('HMGET', rk, 'confirmation', 'batchId')
  local from, batchId = cur[1], cur[2]
  if not from or not contains(rules[to], from) then return false end
  redis.call('HSET', rk, 'confirmation', to, 'confirmationAt', now)
  local bk = base .. ':bat:' .. (batchId or '')
  -- EXISTS: a batch past its retention must not come back as a hash holding only counters.
  if batchId and batchId ~= '' and redis.call('EXISTS', bk) == 1 then
    redis.call('HINCRBY', bk, 'c:' .. from, -1)
    redis.call('HINCRBY', bk, 'c:' .. to, 1)
  end
  return true
end

-- Records an event once (keyed by a dedupe key) as one webhook message per subscribed endpoint. The
-- dedupe key holds the message ids: for a request's result (`evt:result:<request id>`) it is also
-- the list of the request's messages.
-- A connect request's result with no subscriber settles its confirmation as not_required.
-- `a`: {dedupe, now, connectRequestId, eventType, payload, messages:[{id, endpointId}], rules, expireAt}; the
-- dedupe key expires at `expireAt` (ms), with the records it guards.
-- Returns {created, pending:[message ids still pending]}.
local function recordEvent(base, a)
  local dk = base .. ':evt:' .. a.dedupe
  local existing = redis.call('GET', dk)
  if existing then
    local pending = {}
    for _, id in ipairs(cjson.decode(existing)) do
      if redis.call('HGET', base .. ':msg:' .. id, 'status') == 'pending' then table.insert(pending, id) end
    end
    return {created = false, pending = pending}
  end

  local ids = {}
  local cr = a.connectRequestId or ''
  for _, m in ipairs(a.messages) do
    -- The body apart: inside the hash, one value over 64 bytes would turn the whole hash from a
    -- compact listpack into a hash table about twice its size.
    redis.call('HSET', base .. ':msg:' .. m.id, 'endpointId', m.endpointId, 'eventType', a.eventType,
      'status', 'pending', 'attemptCount', 0, 'connectRequestId', cr, 'createdAt', a.now, 'updatedAt', a.now)
    redis.call('SET', base .. ':msg:' .. m.id .. ':body', a.payload)
    redis.call('ZADD', base .. ':idx:msg', 0, m.id)
    if cr ~= '' then redis.call('ZADD', base .. ':idx:msg:cr:' .. cr, 0, m.id) end
    table.insert(ids, m.id)
  end
  redis.call('SET', dk, #ids == 0 and '[]' or cjson.encode(ids), 'PXAT', a.expireAt)
  if cr ~= '' and #ids == 0 then setConfirmation(base, cr, 'not_required', a.rules, a.now) end
  return {created = true, pending = ids}
end

-- Appends to an account's history, keeping its last `limit` entries. Until a second entry comes, the
-- first (the link that created the account) is implied by the account hash, so an account at rest
-- stores no history list (src/store/account-store.ts reads it the same way).
local function appendHistory(ak, entry, limit)
  local hk = ak .. ':history'
  if redis.call('EXISTS', hk) == 0 then
    local h = redis.call('HMGET', ak, 'createdAt', 'connectRequestId')
    redis.call('RPUSH', hk, cjson.encode({at = h[1], status = 'active', reason = 'linked by ' .. h[2], connectRequestId = h[2], operation = 'created'}))
  end
  redis.call('RPUSH', hk, cjson.encode(entry))
  redis.call('LTRIM', hk, -limit, -1)
end

-- Retention (src/store/retention.ts): `keys` expire natively at `at` (ms), and the expiry index
-- gets `entry` (the record's id and what its index keys are built from), so the sweep drops the
-- id from those indexes then.
local function retire(base, keys, at, entry)
  for _, k in ipairs(keys) do redis.call('PEXPIREAT', k, at) end
  redis.call('ZADD', base .. ':exp', at, entry)
end

-- Keeps `k` at least until `at` (ms): a key listing several records lives as long as the last of them.
local function outlive(k, at)
  local t = redis.call('PEXPIRETIME', k)
  if t == -1 or (t >= 0 and t < at) then redis.call('PEXPIREAT', k, at) end
end

-- A retired record in use again (a redelivery, a re-link): it stays until retired anew.
local function revive(base, keys, entry)
  for _, k in ipairs(keys) do redis.call('PERSIST', k) end
  redis.call('ZREM', base .. ':exp', entry)
end
