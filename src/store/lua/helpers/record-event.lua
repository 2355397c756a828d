-- Helper (needs set-confirmation.lua): records an event as webhook messages, once.

-- Records an event once (keyed by a dedupe key) as one webhook message per subscribed endpoint. The
-- dedupe key holds the message ids: for a request's result (`evt:result:<request id>`) it is also
-- the list of the request's messages (GET /v1/webhook-messages?connectRequestId= reads it: no index of its own).
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
    table.insert(ids, m.id)
  end
  redis.call('SET', dk, #ids == 0 and '[]' or cjson.encode(ids), 'PXAT', a.expireAt)
  if cr ~= '' and #ids == 0 then setConfirmation(base, cr, 'not_required', a.rules, a.now) end
  return {created = true, pending = ids}
end
