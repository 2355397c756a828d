-- Helper (src/store/scripts.ts prepends it to the scripts that name it): a connect request's status move,
-- shared by claim.lua, move.lua and finish-request.lua.

local function hashOf(k)
  local flat, h = redis.call('HGETALL', k), {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return h
end

-- Whether the request (`ks.request`, its attempts `ks.attempts`) may move to `a.to`: its status is
-- one of `a.from` (the allowed sources, from src/domain/connect-request-state.ts) and the job
-- protocol's compare-and-set holds (src/queues/work-job.ts): `a.below` only while the request holds
-- fewer attempts than that, else `stale`; `a.recorded` only while it holds exactly that many, else
-- `conflict`. `known` ({hash, attempts}) is what the caller read already (claim.lua reads the whole
-- request), so nothing is read twice; without it only the fields a move needs are read.
-- Returns the answer {result: "applied"|"rejected"|"stale"|"conflict"|"missing", from, request?}
-- ("applied": the move may be applied with applyMove; `request`: the stored hash of a request
-- rejected because it is final already) and the request as read: {status, batchId ('' for none),
-- tenantId, provider}.
local function checkMove(ks, a, known)
  local r
  if known then
    local h = known.hash
    r = {status = h.status, batchId = h.batchId or '', tenantId = h.tenantId, provider = h.provider}
  else
    local cur = redis.call('HMGET', ks.request, 'status', 'batchId', 'tenantId', 'provider')
    r = {status = cur[1], batchId = cur[2] or '', tenantId = cur[3], provider = cur[4]}
  end
  local status = r.status
  if not status then return {result = 'missing'}, r end

  local allowed = false
  for _, s in ipairs(a.from) do if s == status then allowed = true end end
  if not allowed then
    local out = {result = 'rejected', from = status}
    if status == 'linked' or status == 'failed' then out.request = known and known.hash or hashOf(ks.request) end
    return out, r
  end

  if a.below or a.recorded then
    local recorded = known and #known.attempts or redis.call('LLEN', ks.attempts)
    if a.below and recorded >= a.below then return {result = 'stale', from = status}, r end
    if a.recorded and recorded ~= a.recorded then return {result = 'conflict', from = status}, r end
  end
  return {result = 'applied', from = status}, r
end

-- Applies a move checkMove allowed, keeping the status indexes (`ks.target` is a.to's; the one it
-- leaves is built from the status read) and the batch's counters in step. `fields` (a flat list of
-- field, value; may be empty) are stored with the status in the same write. `a.attempt` is appended;
-- `a.spentMs` stores the validation budget spent so far. What is `known` is kept as stored.
local function applyMove(base, ks, a, r, fields, known)
  local to, status = a.to, r.status
  table.insert(fields, 'status')
  table.insert(fields, to)
  table.insert(fields, 'updatedAt')
  table.insert(fields, a.now)
  if a.spentMs then
    table.insert(fields, 'spentMs')
    table.insert(fields, a.spentMs)
  end
  redis.call('HSET', ks.request, unpack(fields))
  if known then
    for i = 1, #fields, 2 do known.hash[fields[i]] = tostring(fields[i + 1]) end
  end
  if a.attempt then
    local entry = cjson.encode(a.attempt)
    redis.call('RPUSH', ks.attempts, entry)
    if known then table.insert(known.attempts, entry) end
  end
  if status ~= to then
    redis.call('ZREM', K.requestsByStatus(base, status), a.id)
    redis.call('ZADD', ks.target, 0, a.id)
    if r.batchId ~= '' then
      local bk = K.batch(base, r.batchId)
      redis.call('HINCRBY', bk, 's:' .. status, -1)
      redis.call('HINCRBY', bk, 's:' .. to, 1)
    end
  end
end

-- checkMove, then applyMove with no other fields.
local function moveRequest(base, ks, a, known)
  local out, r = checkMove(ks, a, known)
  if out.result == 'applied' then applyMove(base, ks, a, r, {}, known) end
  return out, r
end
