-- Helper (src/store/scripts.ts prepends it to the scripts that name it): retention of records.

-- Retention (src/store/retention.ts): `keys` expire natively at `at` (ms), and the expiry index
-- (`expiry`) gets `entry` (the record's id and what its index keys are built from), so the sweep
-- drops the id from those indexes then.
local function retire(expiry, keys, at, entry)
  for _, k in ipairs(keys) do redis.call('PEXPIREAT', k, at) end
  redis.call('ZADD', expiry, at, entry)
end

-- Keeps `k` at least until `at` (ms): a key listing several records lives as long as the last of them.
local function outlive(k, at)
  local t = redis.call('PEXPIRETIME', k)
  if t == -1 or (t >= 0 and t < at) then redis.call('PEXPIREAT', k, at) end
end

-- A revoked account's expiry entry (removalOf in src/store/retention.ts reads it): retired by
-- account-status.lua, revived by finish-request.lua when its tenant links again.
local function accountEntry(id, provider, tenantId)
  return id .. '|' .. provider .. '|' .. tenantId
end

-- A retired record in use again (a redelivery, a re-link): it stays until retired anew.
local function revive(expiry, keys, entry)
  for _, k in ipairs(keys) do redis.call('PERSIST', k) end
  redis.call('ZREM', expiry, entry)
end
