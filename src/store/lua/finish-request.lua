-- Finishes a connect request: moves it to `linked` or `failed` (helpers/move-request.lua) with what
-- the outcome adds to its record (the error, or the account and company), releases
-- the tenant's in-flight slot and retires the request (helpers/retention.lua `retire`): it, its
-- attempts and its result event expire at `expireAt` (ms), and its batch too when it was the batch's
-- last. `failed` destroys the pending credential; `linked` creates or updates the tenant's account
-- and moves the credential onto it.
-- `event` is the result event built by the caller from the state it expects ({recordEvent args,
-- accountId, operation}); it is recorded in the same step when that state came true (for `linked`:
-- the same account and operation), and `published` lists its pending messages. Otherwise `request`
-- (the stored hash) comes back, so the caller can publish the result without reading it back.
-- KEYS[1] base, KEYS[2] request, KEYS[3] attempts, KEYS[4] target (the index of `to`), KEYS[5]
-- credential, KEYS[6] expiry, KEYS[7] accounts, KEYS[8] activeAccounts, KEYS[9] event, KEYS[10]
-- messages; then per message of the event: message, body. The in-flight slot,
-- the account pointer, the account's keys and the batch's are built from what the request holds.
-- ARGV[1] JSON {id, to, from:[...], now, expireAt, historyLimit, attempt?, error?, link?, event?,
-- recorded?, below?, spentMs?}.
-- Returns JSON {result: "applied"|"rejected"|"stale"|"conflict"|"missing", from, accountId?,
-- operation?, request?, published?}.
local base, rk, credKey, expiry = KEYS[1], KEYS[2], KEYS[5], KEYS[6]
local a = cjson.decode(ARGV[1])
local ks = {request = rk, attempts = KEYS[3], target = KEYS[4]}
local out, r = checkMove(ks, a)
if out.result ~= 'applied' then return cjson.encode(out) end
local to, now, tenantId, provider = a.to, a.now, r.tenantId, r.provider

-- (completedAt is the final status' updatedAt: not stored twice.)
local inflight = K.inflight(base, provider, tenantId)
if redis.call('GET', inflight) == a.id then redis.call('DEL', inflight) end
if r.batchId ~= '' then
  local bk = K.batch(base, r.batchId)
  local final = redis.call('HINCRBY', bk, 'final', 1)
  if final >= tonumber(redis.call('HGET', bk, 'total')) then
    redis.call('HSET', bk, 'completedAt', now)
    -- The batch goes with all its parts, once all are finished (src/store/retention.ts).
    redis.call('ZADD', expiry, a.expireAt, r.batchId)
  end
end
local eventKeys = {event = KEYS[9], messages = KEYS[10], request = rk, messageKeys = eachKeys}
if a.event then a.event.expireAt = a.expireAt end
-- The move with what the outcome adds to the record; then the request retires, its attempts list
-- (which the move may have just created) with it.
local function settle(fields)
  applyMove(base, ks, a, r, fields)
  retire(expiry, {rk, KEYS[3]}, a.expireAt, a.id .. '|' .. tenantId)
end

if to == 'failed' then
  redis.call('DEL', credKey)
  settle({'errorCode', a.error.code, 'errorMessage', a.error.message})
  if a.event then out.published = recordEvent(base, eventKeys, a.event).pending
  else out.request = hashOf(rk) end
  return cjson.encode(out)
end

-- linked
local link = a.link
local byTenant = K.accountByTenant(base, provider, tenantId)
local existing = redis.call('GET', byTenant)
local operation = existing and 'updated' or 'created'
local accountId = existing or link.accountId
local ak = K.account(base, accountId)
-- A link sets linkedAt only: lastValidatedAt, updatedAt and lastReason read as the link's until they change.
local linkFields = {'status', 'active', 'companyIdentifier', link.company.identifier, 'companyName', link.company.name,
  'fingerprint', link.fingerprint, 'linkedAt', now, 'connectRequestId', a.id}
if operation == 'created' then
  redis.call('SET', byTenant, accountId)
  redis.call('ZADD', KEYS[7], 0, accountId)
  -- A created account's one history entry is implied by its hash (helpers/append-history.lua).
  redis.call('HSET', ak, 'tenantId', tenantId, 'provider', provider, 'createdAt', now, unpack(linkFields))
else
  local hk = K.accountHistory(base, accountId)
  local previous = redis.call('HGET', ak, 'status')
  if previous and previous ~= 'active' then redis.call('ZREM', K.accountsByStatus(base, previous), accountId) end
  -- Linked again before its revoked record expired: it lives on (see account-status.lua).
  if previous == 'revoked' then revive(expiry, {ak, hk}, accountEntry(accountId, provider, tenantId)) end
  appendHistory(ak, hk, {at = now, status = 'active', reason = 'linked by ' .. a.id, connectRequestId = a.id, operation = operation}, a.historyLimit)
  redis.call('HSET', ak, unpack(linkFields))
  redis.call('HDEL', ak, 'lastValidatedAt', 'updatedAt', 'lastReason')
end
redis.call('ZADD', KEYS[8], 0, accountId)
-- The pending credential moves onto the account; where there is none, RENAME errs and pcall lets it.
redis.pcall('RENAME', credKey, K.accountCredential(base, accountId))
settle({'accountId', accountId, 'operation', operation, 'companyIdentifier', link.company.identifier, 'companyName', link.company.name})
out.accountId = accountId
out.operation = operation
if a.event and a.event.accountId == accountId and a.event.operation == operation then
  out.published = recordEvent(base, eventKeys, a.event).pending
else
  out.request = hashOf(rk)
end
return cjson.encode(out)
