-- Guarded account changes after link time, keeping idx:acc:s:* and the history in step.
--   validated:  a check succeeded; only lastValidatedAt moves.
--   invalidate: a check got a definite 401/403; active → invalid.
--   revoke:     the platform unlinked it; any status → revoked, the credential and its
--               fingerprint are destroyed, the history stays until the account expires at
--               `expireAt` (ms), unless the tenant links again before (transition.lua).
-- A check speaks only for the credential it read: `validated` and `invalidate` apply only while the
-- account is still active and still linked by `linkedBy` (a re-link or an unlink since then wins).
-- KEYS[1] platform base. ARGV[1] JSON {id, op, now, historyLimit, linkedBy?, reason?, errorCode?, expireAt?}.
-- Returns JSON {result: "applied"|"rejected"|"missing", from}.
local base = KEYS[1]
local a = cjson.decode(ARGV[1])
local ak = base .. ':acc:' .. a.id
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

local to = a.op == 'invalidate' and 'invalid' or 'revoked'
local entry = {at = a.now, status = to, reason = a.reason}
redis.call('HSET', ak, 'status', to, 'updatedAt', a.now, 'lastReason', a.reason)
if to == 'invalid' then
  redis.call('HSET', ak, 'lastValidatedAt', a.now)
  entry.errorCode = a.errorCode
else
  redis.call('DEL', ak .. ':cred')
  redis.call('HDEL', ak, 'fingerprint')
end
redis.call('ZREM', base .. ':idx:acc:s:' .. status, a.id)
redis.call('ZADD', base .. ':idx:acc:s:' .. to, 0, a.id)
appendHistory(ak, entry, a.historyLimit)
if to == 'revoked' then retire(base, {ak, ak .. ':history'}, a.expireAt, a.id .. '|' .. cur[4] .. '|' .. cur[3]) end
return cjson.encode(out)
