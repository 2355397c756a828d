-- Records one delivery attempt of a webhook message, only if the message is still pending and no
-- other run recorded this attempt number first (so a job that runs twice adds no phantom attempt).
-- outcome "delivered" confirms the request; "failed" (schedule exhausted or endpoint gone) makes it
-- unconfirmed once none of its messages can still succeed; "retry" only logs the attempt.
-- A final outcome retires the message with its attempts and body (helpers/retention.lua `retire`) at `expireAt` (ms).
-- KEYS[1] base, KEYS[2] message, KEYS[3] attempts, KEYS[4] body, KEYS[5] expiry. The keys of the
-- message's request, its result event and that event's other messages are built from the ids read.
-- ARGV[1] JSON {id, expectedCount, attempt, outcome, now, expireAt}.
-- Returns JSON {result: "applied"|"stale"|"missing", confirmedRequestCreatedAt?} (the latter when this
-- attempt confirmed its request, for the confirmation latency metric).
local base, mk = KEYS[1], KEYS[2]
local a = cjson.decode(ARGV[1])
local m = redis.call('HMGET', mk, 'status', 'attemptCount', 'connectRequestId')
if not m[1] then return cjson.encode({result = 'missing'}) end
if m[1] ~= 'pending' or tonumber(m[2]) ~= a.expectedCount then return cjson.encode({result = 'stale'}) end
local applied = cjson.encode({result = 'applied'})

redis.call('RPUSH', KEYS[3], cjson.encode(a.attempt))
-- A retry leaves the message pending.
redis.call('HSET', mk, 'attemptCount', a.expectedCount + 1, 'updatedAt', a.now, 'status', a.outcome == 'retry' and 'pending' or a.outcome)
if a.outcome == 'retry' then return applied end

local cr = m[3]
retire(KEYS[5], {mk, KEYS[3], KEYS[4]}, a.expireAt, a.id)
if cr == '' then return applied end
local resultKey, rk = K.resultEvent(base, cr), K.request(base, cr)
outlive(resultKey, a.expireAt)
if a.outcome == 'delivered' then
  local confirmed, createdAt = setConfirmation(base, rk, 'confirmed', a.now)
  if confirmed then return cjson.encode({result = 'applied', confirmedRequestCreatedAt = createdAt}) end
else
  local open = false
  for _, id in ipairs(cjson.decode(redis.call('GET', resultKey) or '[]')) do
    local s = redis.call('HGET', K.message(base, id), 'status')
    if s == 'pending' or s == 'delivered' then open = true end
  end
  if not open then setConfirmation(base, rk, 'unconfirmed', a.now) end
end
return applied
