-- Records an event once; see recordEvent in helpers/record-event.lua.
-- KEYS[1] platform base. ARGV[1] JSON {dedupe, now, connectRequestId, eventType, payload,
-- messages:[{id, endpointId}], rules}. Returns JSON {created, pending:[message ids still pending]}.
return cjson.encode(recordEvent(KEYS[1], cjson.decode(ARGV[1])))
