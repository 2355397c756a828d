-- Moves one connect request to a status that is not final (a retry: `retrying` with its attempt),
-- see helpers/move-request.lua.
-- KEYS[1] base, KEYS[2] request, KEYS[3] attempts, KEYS[4] target (the index of `to`).
-- ARGV[1] JSON {id, to, from:[...], now, attempt?, recorded?, below?, spentMs?}.
-- Returns JSON {result: "applied"|"rejected"|"stale"|"conflict"|"missing", from, request?}.
local a = cjson.decode(ARGV[1])
return cjson.encode((moveRequest(KEYS[1], {request = KEYS[2], attempts = KEYS[3], target = KEYS[4]}, a)))
