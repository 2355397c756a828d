-- Records an event once; see recordEvent in helpers/record-event.lua.
-- KEYS[1] base, KEYS[2] event, KEYS[3] messages, KEYS[4] request; then per message: message, body.
-- ARGV[1] JSON {now, connectRequestId, eventType, payload, messages:[{id, endpointId}], expireAt}.
-- Returns JSON {created, pending:[message ids still pending]}.
local ks = {event = KEYS[2], messages = KEYS[3], request = KEYS[4], messageKeys = eachKeys}
return cjson.encode(recordEvent(KEYS[1], ks, cjson.decode(ARGV[1])))
