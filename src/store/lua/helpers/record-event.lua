-- Helper (needs set-confirmation.lua): records an event as webhook messages, once.

-- Records an event once (keyed by a dedupe key) as one webhook message per subscribed endpoint.
-- A connect request's result with no subscriber settles its confirmation as not_required.
-- `a`: {dedupe, now, connectRequestId, eventType, payload, messages:[{id, endpointId}], rules}.
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
    redis.call('HSET', base .. ':msg:' .. m.id, 'id', m.id, 'endpointId', m.endpointId,
      'eventType', a.eventType, 'payload', a.payload, 'status', 'pending', 'attemptCount', 0,
      'connectRequestId', cr, 'createdAt', a.now, 'updatedAt', a.now)
    redis.call('ZADD', base .. ':idx:msg', 0, m.id)
    if cr ~= '' then redis.call('ZADD', base .. ':idx:msg:cr:' .. cr, 0, m.id) end
    table.insert(ids, m.id)
  end
  redis.call('SET', dk, #ids == 0 and '[]' or cjson.encode(ids))
  if cr ~= '' and #ids == 0 then setConfirmation(base, cr, 'not_required', a.rules, a.now) end
  return {created = true, pending = ids}
end
