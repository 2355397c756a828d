-- Guarded account changes after link time, keeping idx:acc:s:* and the history in step.
--   validated:  a check succeeded; only lastValidatedAt moves.
--   invalidate: a check got a definite 401/403; active → invalid.
--   revoke:     the platform unlinked it; any status → revoked, the credential and its
--               fingerprint are destroyed, the history stays until the account expires at
--               `expireAt` (ms), unless the tenant links again before (finish-request.lua).
-- A check speaks only for the credential it read: `validated` and `invalidate` apply only while the
-- account is still active and still linked by `linkedBy` (a re-link or an unlink since then wins).
-- KEYS[1] base, KEYS[2] account, KEYS[3] credential, KEYS[4] history, KEYS[5] target (the index of
-- status `to`: invalid, revoked, or active for `validated`, which moves none), KEYS[6] expiry. The
-- index of the status it moves from is built from the status read.
-- ARGV[1] JSON {id, op, to, now, historyLimit, linkedBy?, reason?, errorCode?, expireAt?}.
-- Returns JSON {result: "applied"|"rejected"|"missing", from}.
local base, ak = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
local cur = redis.call('HMGET', ak, 'status', 'connectRequestId', 'tenantId', 'provider')
local status, linkedBy = cur[1], cur[2]
if not status then return cjson.encode({result = 'missing'}) end

local out = {result = 'rejected', from = status}
if a.op == 'revoke' then
  if status == 'revoked' then return cjson.encode(out) end
elseif status ~= 'active' or linkedBy ~= a.linkedBy then
  return cjson.encode(out)
end
out.result = 'applied'

if a.op == 'validated' then
  redis.call('HSET', ak, 'lastValidatedAt', a.now)
  return cjson.encode(out)
end

local to = a.to
local entry = {at = a.now, status = to, reason = a.reason}
redis.call('HSET', ak, 'status', to, 'updatedAt', a.now, 'lastReason', a.reason)
if to == 'invalid' then
  redis.call('HSET', ak, 'lastValidatedAt', a.now)
  entry.errorCode = a.errorCode
else
  redis.call('DEL', KEYS[3])
  redis.call('HDEL', ak, 'fingerprint')
end
redis.call('ZREM', K.accountsByStatus(base, status), a.id)
redis.call('ZADD', KEYS[5], 0, a.id)
appendHistory(ak, KEYS[4], entry, a.historyLimit)
if to == 'revoked' then retire(KEYS[6], {ak, KEYS[4]}, a.expireAt, accountEntry(a.id, cur[4], cur[3])) end
return cjson.encode(out)
