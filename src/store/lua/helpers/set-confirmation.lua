-- Helper (src/store/scripts.ts prepends it to the scripts that name it): confirmation moves.

local function contains(list, value)
  for _, v in ipairs(list) do if v == value then return true end end
  return false
end

-- Moves a request's confirmation to `to` when the rules of src/domain/connect-request-state.ts allow
-- it (CONFIRMATION_RULES, {[to] = {allowed sources}}, written into the script by src/store/scripts.ts);
-- keeps batch counters in step. `rk`: the request; its batch's key is built from `base` and the
-- batch id the request holds. Returns whether it moved, and the request's createdAt.
local function setConfirmation(base, rk, to, now)
  local cur = redis.call('HMGET', rk, 'confirmation', 'batchId', 'createdAt')
  local from, batchId = cur[1], cur[2]
  if not from or not contains(CONFIRMATION_RULES[to], from) then return false end
  redis.call('HSET', rk, 'confirmation', to, 'confirmationAt', now)
  -- EXISTS: a batch past its retention must not come back as a hash holding only counters.
  local bk = batchId and batchId ~= '' and K.batch(base, batchId)
  if bk and redis.call('EXISTS', bk) == 1 then
    redis.call('HINCRBY', bk, 'c:' .. from, -1)
    redis.call('HINCRBY', bk, 'c:' .. to, 1)
  end
  return true, cur[3]
end
