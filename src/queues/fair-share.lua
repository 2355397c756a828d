-- Start-time fair queueing of bulk work over BullMQ priorities, for one queue shard.
-- KEYS[1] the queue's prioritized zset (score = priority * 2^32 + counter), KEYS[2] the platforms'
-- rounds (hash platformId -> "round:used"), KEYS[3] the batch's last priority in this queue (kept
-- ARGV[4] seconds, for the batch's position). ARGV[1] platformId, ARGV[2] weight, ARGV[3] jobs.
-- Returns one priority per job. A platform's jobs take rounds 1 + round, `weight` jobs per round,
-- starting at the later of the round being served (the lowest priority queued) and the platform's
-- own last round: two backlogged platforms interleave, and one that was idle gets no credit.
local MAX_PRIORITY = 2097152
local lowest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local serving = 0
if #lowest == 0 then
  -- Nothing queued: every platform starts again from round 0, so rounds stay far below the cap.
  redis.call('DEL', KEYS[2])
else
  serving = math.floor(tonumber(lowest[2]) / 4294967296) - 1
end

local round, used = serving, 0
local state = redis.call('HGET', KEYS[2], ARGV[1])
if state then
  local r, u = string.match(state, '^(%d+):(%d+)$')
  if tonumber(r) >= serving then round, used = tonumber(r), tonumber(u) end
end

local weight, count = tonumber(ARGV[2]), tonumber(ARGV[3])
local priorities = {}
for i = 1, count do
  if used >= weight then round, used = round + 1, 0 end
  priorities[i] = math.min(round + 1, MAX_PRIORITY)
  used = used + 1
end
redis.call('HSET', KEYS[2], ARGV[1], round .. ':' .. used)
redis.call('SET', KEYS[3], priorities[count], 'EX', ARGV[4])
return priorities
