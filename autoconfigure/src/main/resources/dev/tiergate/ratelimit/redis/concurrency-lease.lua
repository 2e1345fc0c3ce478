-- tiergate: takes a lease for a call of one client if fewer than the tier's maximum are
-- held, in one step (Redis runs one script at a time, so calls from any number of
-- instances never hold more).
--
-- KEYS[1]  the client's leases, {<prefix>:rc:<tier>:<hash of the client>}: a sorted set,
--          member = the call's id, score = when its lease expires, in milliseconds
-- ARGV[1]  the time in milliseconds, or '' for the Redis server's clock (only tests
--          pass one, and then the set lives at least a minute of real time)
-- ARGV[2]  the most calls in flight
-- ARGV[3]  the lease's time to live, in milliseconds
-- ARGV[4]  the call's id
--
-- Leases of calls whose instance died (never released) expire: they are dropped here
-- once past their score, and the whole set expires with its last lease.
--
-- Returns { acquired (1 or 0), the calls in flight now }.

if redis.replicate_commands then
	redis.replicate_commands()
end

local now
if ARGV[1] == '' then
	local time = redis.call('TIME')
	now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
else
	now = tonumber(ARGV[1])
end
local max = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if held >= max then
	return { 0, held }
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
local keyTtl = ttl
if ARGV[1] ~= '' and keyTtl < 60000 then
	keyTtl = 60000
end
-- The set outlives its latest lease: the one just added.
redis.call('PEXPIRE', KEYS[1], keyTtl)
return { 1, held + 1 }
