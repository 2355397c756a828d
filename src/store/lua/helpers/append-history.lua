-- Helper (src/store/scripts.ts prepends it to the scripts that name it): an account's history.

-- Appends to an account's history (`hk`), keeping its last `limit` entries. Until a second entry
-- comes, the first (the link that created the account `ak`) is implied by the account hash, so an
-- account at rest stores no history list (src/store/account-store.ts reads it the same way).
local function appendHistory(ak, hk, entry, limit)
  if redis.call('EXISTS', hk) == 0 then
    local h = redis.call('HMGET', ak, 'createdAt', 'connectRequestId')
    redis.call('RPUSH', hk, cjson.encode({at = h[1], status = 'active', reason = 'linked by ' .. h[2], connectRequestId = h[2], operation = 'created'}))
  end
  redis.call('RPUSH', hk, cjson.encode(entry))
  redis.call('LTRIM', hk, -limit, -1)
end
