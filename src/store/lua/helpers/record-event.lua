-- Helper (needs set-confirmation.lua): records an event as webhook messages, once.

-- Records an event once (keyed by a dedupe key) as one webhook message per subscribed endpoint. The
-- dedupe key holds the message ids: for a request's result (`evt:result:<request id>`) it is also
-- the list of the request's messages (GET /v1/webhook-messages?connectRequestId= reads it: no index of its own).
-- A connect request's result with no subscriber settles its confirmation as not_required.
-- `ks`: {event (the dedupe key), messages (the message index), request (the request's hash; unused
-- for an event about no request), messageKeys(i) (the hash and body keys of a.messages[i])}. The ids of an event recorded before are read: their keys are built.
-- `a`: {now, connectRequestId, eventType, payload, messages:[{id, endpointId}], expireAt}; the
-- dedupe key expires at `expireAt` (ms), with the records it guards.
-- Returns {created, pending:[message ids still pending]}.
local function recordEvent(base, ks, a)
  local existing = redis.call('GET', ks.event)
  if existing then
    local pending = {}
    for _, id in ipairs(cjson.decode(existing)) do
      if redis.call('HGET', K.message(base, id), 'status') == 'pending' then table.insert(pending, id) end
    end
    return {created = false, pending = pending}
  end

  local ids = {}
  local cr = a.connectRequestId or ''
  for i, m in ipairs(a.messages) do
    local mk, body = ks.messageKeys(i)
    -- The body apart: inside the hash, one value over 64 bytes would turn the whole hash from a
    -- compact listpack into a hash table about twice its size.
    redis.call('HSET', mk, 'endpointId', m.endpointId, 'eventType', a.eventType,
      'status', 'pending', 'attemptCount', 0, 'connectRequestId', cr, 'createdAt', a.now, 'updatedAt', a.now)
    redis.call('SET', body, a.payload)
    redis.call('ZADD', ks.messages, 0, m.id)
    table.insert(ids, m.id)
  end
  redis.call('SET', ks.event, #ids == 0 and '[]' or cjson.encode(ids), 'PXAT', a.expireAt)
  if cr ~= '' and #ids == 0 then setConfirmation(base, ks.request, 'not_required', a.now) end
  return {created = true, pending = ids}
end
