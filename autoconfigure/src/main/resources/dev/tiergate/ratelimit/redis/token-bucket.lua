-- tiergate: checks and takes tokens from every limit of one client's bucket, all or
-- nothing, in one step (Redis runs one script at a time, so concurrent checks from any
-- number of instances never admit more than the limits).
--
-- KEYS[1]  the client's bucket, {<prefix>:rl:<tier>:<hash of the client>}
-- ARGV[1]  the time in microseconds, or '' for the Redis server's clock. Only tests pass
--          a time (and then keys live at least a minute of real time); instances with
--          unsynchronised clocks must not.
-- ARGV[2]  the tokens the call costs, at least 1
-- then per limit i (1-based), three arguments:
--   ARGV[3i]    capacity, in tokens
--   ARGV[3i+1]  units per token (the scale)
--   ARGV[3i+2]  units refilled per microsecond
--
-- Tokens are counted in integer units chosen so that a microsecond refills a whole
-- number of them: no rounding error builds up. Lua numbers are doubles, exact to 2^53;
-- tiergate refuses limits whose capacity in units is larger.
--
-- The value: "<time of last update>:<units of limit 1>@<scale 1>:<units 2>@<scale 2>..."
-- It expires when the bucket would be full again, so an idle client leaves nothing.
--
-- Returns { allowed (1 or 0), microseconds until the call would be allowed (0 when
-- allowed, -1 when it costs more than a capacity), then per limit: whole tokens left,
-- microseconds until full }.

if redis.replicate_commands then
	-- Redis before 7 replicates a script as its source unless told to replicate its
	-- writes, and refuses a write after a non-deterministic command such as TIME.
	redis.replicate_commands()
end

local now
if ARGV[1] == '' then
	local time = redis.call('TIME')
	now = tonumber(time[1]) * 1000000 + tonumber(time[2])
else
	now = tonumber(ARGV[1])
end
local cost = tonumber(ARGV[2])
local count = (#ARGV - 2) / 3

-- A value this script did not write (corrupt, or written by someone else) is no bucket:
-- the client starts over with a full one, as after an expiry, and the check never fails.
local function parse(value)
	local time = string.match(value, '^(%d+):')
	if not time then
		return nil, nil
	end
	local limits = {}
	local index = 0
	for field in string.gmatch(value, '[^:]+') do
		if index > 0 then
			local units, scale = string.match(field, '^(%d+)@(%d+)$')
			if not units or tonumber(scale) == 0 then
				return nil, nil
			end
			limits[index] = { tonumber(units), tonumber(scale) }
		end
		index = index + 1
	end
	return tonumber(time), limits
end

local last = now
local stored = {}
local value = redis.call('GET', KEYS[1])
if value then
	local parsedTime, parsedLimits = parse(value)
	if parsedTime then
		last = parsedTime
		stored = parsedLimits
	end
end
if last > now then
	-- Never refill backwards.
	now = last
end
local elapsed = now - last

local units = {}
local allowed = 1
local wait = 0
for i = 1, count do
	local scale = tonumber(ARGV[3 * i + 1])
	local refill = tonumber(ARGV[3 * i + 2])
	local full = tonumber(ARGV[3 * i]) * scale
	local current = full
	local previous = stored[i]
	if previous then
		current = previous[1]
		if previous[2] ~= scale then
			-- The limit was reconfigured: keep the same number of tokens.
			current = math.floor(current * scale / previous[2])
		end
		-- Compared before adding, so a long idle time cannot leave the exact range.
		if elapsed * refill >= full - current then
			current = full
		else
			current = current + elapsed * refill
		end
	end
	units[i] = current
	local needed = cost * scale
	if current < needed then
		allowed = 0
		if needed > full then
			wait = -1
		elseif wait ~= -1 then
			local micros = math.ceil((needed - current) / refill)
			if micros > wait then
				wait = micros
			end
		end
	end
end

local reply = { allowed, wait }
local untilFull = 0
for i = 1, count do
	local scale = tonumber(ARGV[3 * i + 1])
	local refill = tonumber(ARGV[3 * i + 2])
	local full = tonumber(ARGV[3 * i]) * scale
	if allowed == 1 then
		units[i] = units[i] - cost * scale
	end
	local micros = math.ceil((full - units[i]) / refill)
	if micros > untilFull then
		untilFull = micros
	end
	reply[2 * i + 1] = math.floor(units[i] / scale)
	reply[2 * i + 2] = micros
end

-- A rejected call changes nothing: the refill is a function of the time, computed again
-- by the next call from the same stored state.
if allowed == 1 then
	local fields = { string.format('%.0f', now) }
	for i = 1, count do
		fields[i + 1] = string.format('%.0f@%.0f', units[i], tonumber(ARGV[3 * i + 1]))
	end
	local ttl = math.ceil(untilFull / 1000)
	if ARGV[1] ~= '' and ttl < 60000 then
		-- A time passed in by a test moves apart from the clock Redis expires keys by.
		ttl = 60000
	end
	redis.call('SET', KEYS[1], table.concat(fields, ':'), 'PX', ttl)
end
return reply
