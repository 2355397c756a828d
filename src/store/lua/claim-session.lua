-- Claims a connect session for one key submission, so two Connect clicks (or two tabs) with one
-- token can never both submit. A session is free when it never submitted, when its last request
-- failed (the end user may try another key), or when a claimer died before binding its request.
-- KEYS[1] session. ARGV[1] JSON {now (ms), maxSubmissions, staleMs, failedRequestId}: the
-- caller read the session's request as failed (a final status, so still true now); the request lives
-- in its tenant's data shard, another slot.
-- Returns "claimed", "used" or "missing".
local sk = KEYS[1]
local args = cjson.decode(ARGV[1])
local s = redis.call('HMGET', sk, 'status', 'requestId', 'submissions', 'claimedAt')
local status, requestId = s[1], s[2] or ''
if not status then return 'missing' end

local free = status == 'open'
if status == 'used' and requestId ~= '' then
  free = requestId == args.failedRequestId
elseif status == 'submitting' then
  free = args.now - tonumber(s[4] or '0') > args.staleMs
end
if not free or tonumber(s[3] or '0') >= args.maxSubmissions then return 'used' end

redis.call('HSET', sk, 'status', 'submitting', 'claimedAt', args.now)
redis.call('HINCRBY', sk, 'submissions', 1)
return 'claimed'
