-- tiergate: checks and takes tokens from every limit of one client's bucket, all or
-- nothing, in one step (Redis runs one script at a time, so concurrent checks from any
-- number of instances never admit more than the limits).
--
-- KEYS[1]  the client's bucket, {<prefix>:rl:<tier>:<hash of the client>}:v2
-- ARGV[1]  the time in microseconds, or '' for the Redis server's clock. Only tests pass
--          a time (and then keys live at least a minute of real time); instances with
--          unsynchronised clocks must not.
-- ARGV[2]  the tokens the call costs, at least 1; or, to settle a finished call (token
--          budgets), '~' and the tokens to take (a charge) or, when negative, to give
--          back (a refund), applied without a check
-- then per limit i (1-based), three arguments:
--   ARGV[3i]    capacity, in tokens
--   ARGV[3i+1]  units per token (the scale)
--   ARGV[3i+2]  units refilled per microsecond
-- then, only after a live change of a limit's rate in the calling JVM: 'renamed' and one
-- argument per limit, the field name ("<units per microsecond>/<scale>") the limit had
-- before the change, or '' when its rate did not change.
--
-- Tokens are counted in integer units chosen so that a microsecond refills a whole
-- number of them: no rounding error builds up. Lua numbers are doubles, exact to 2^53;
-- tiergate refuses limits whose capacity in units is larger.
--
-- The value: "<time of last update>:<id>=<units>@<full units>:<id>=<units>@<full units>..."
-- with one field per limit, named by its refill rate: "<units per microsecond>/<scale>"
-- (the tokens per microsecond, as a reduced fraction), "#2", "#3" added for a second and
-- third limit of the same rate. So the state of a limit never depends on which other
-- limits a tier has, or in which order: during a rolling deploy that adds, removes or
-- reorders extra limits, instances of both versions keep each limit's tokens. A field of
-- a limit this instance does not have is kept, refilled at its own rate, until it is
-- full (a full bucket needs no state).
-- It expires when every field would be full again, so an idle client leaves nothing.
-- A settlement may leave a limit below empty (an overdraft, at most one capacity below):
-- its units are then negative, and the next calls wait until it has refilled.
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
-- Settle mode (token budgets): see ARGV[2].
local settle = string.sub(ARGV[2], 1, 1) == '~'
local cost = tonumber(settle and string.sub(ARGV[2], 2) or ARGV[2])
-- tiergate live changes (begin): the limits end where the names of renamed fields start.
local limitArguments = #ARGV
local renamed = {}
for i = 3, #ARGV, 3 do
	if ARGV[i] == 'renamed' then
		limitArguments = i - 1
		for j = i + 1, #ARGV do
			if ARGV[j] ~= '' then
				renamed[j - i] = ARGV[j]
			end
		end
		break
	end
end
local count = (limitArguments - 2) / 3
-- tiergate live changes (end)

local ids = {}
local known = {}
for i = 1, count do
	local id = ARGV[3 * i + 2] .. '/' .. ARGV[3 * i + 1]
	local occurrence = 1
	while known[id] do
		occurrence = occurrence + 1
		id = ARGV[3 * i + 2] .. '/' .. ARGV[3 * i + 1] .. '#' .. occurrence
	end
	known[id] = true
	ids[i] = id
end

-- A value this script did not write (corrupt, or written by someone else) is no bucket:
-- the client starts over with a full one, as after an expiry, and the check never fails.
local function parse(value)
	local time = string.match(value, '^(%d+):')
	if not time then
		return nil, nil, nil
	end
	local fields = {}
	local order = {}
	local index = 0
	for field in string.gmatch(value, '[^:]+') do
		if index > 0 then
			local id, refill, scale, units, full = string.match(field, '^((%d+)/(%d+)#?%d*)=(-?%d+)@(%d+)$')
			if not id or tonumber(scale) == 0 or tonumber(refill) == 0 or fields[id] then
				return nil, nil, nil
			end
			fields[id] = { tonumber(units), tonumber(full), tonumber(refill) }
			order[#order + 1] = id
		end
		index = index + 1
	end
	if index < 2 then
		return nil, nil, nil
	end
	return tonumber(time), fields, order
end

local last = now
local stored = {}
local storedOrder = {}
local value = redis.call('GET', KEYS[1])
if value then
	local parsedTime, parsedFields, parsedOrder = parse(value)
	if parsedTime then
		last = parsedTime
		stored = parsedFields
		storedOrder = parsedOrder
	end
end
local clockWentBack = false
if last > now then
	-- The clock went back (a failover to a replica whose clock is behind). How long it
	-- was since the last update is unknown: refill nothing for it, and count from the
	-- new clock from now on, storing it even if this call is rejected, so that the
	-- bucket refills at its rate and the wait returned is the true one.
	last = now
	clockWentBack = true
end
local elapsed = now - last

-- Compared before adding, so a long idle time cannot leave the exact range.
local function refilled(current, full, refill)
	if elapsed * refill >= full - current then
		return full
	end
	return current + elapsed * refill
end

local units = {}
local allowed = 1
local wait = 0
for i = 1, count do
	local scale = tonumber(ARGV[3 * i + 1])
	local refill = tonumber(ARGV[3 * i + 2])
	local full = tonumber(ARGV[3 * i]) * scale
	local current = full
	local previous = stored[ids[i]]
	-- tiergate live changes (begin): a limit whose capacity or rate changed keeps its
	-- tokens as a share of the new capacity; the field of its old rate is dropped.
	if not previous and renamed[i] and stored[renamed[i]] then
		previous = stored[renamed[i]]
		known[renamed[i]] = true
	end
	if previous and (previous[2] ~= full or previous[3] ~= refill) then
		current = math.floor(refilled(previous[1], previous[2], previous[3]) * full / previous[2])
		previous = nil
	end
	-- tiergate live changes (end)
	if previous then
		current = refilled(previous[1], full, refill)
	end
	units[i] = current
	local needed = cost * scale
	if settle then
		-- Settle mode: no check; a refund stops at full, a charge one capacity below empty.
		units[i] = math.max(-full, math.min(full, current - needed))
	elseif current < needed then
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
	if allowed == 1 and not settle then
		units[i] = units[i] - cost * scale
	end
	local micros = math.ceil((full - units[i]) / refill)
	if micros > untilFull then
		untilFull = micros
	end
	reply[2 * i + 1] = math.floor(units[i] / scale)
	reply[2 * i + 2] = micros
end

-- A rejected call changes nothing (the refill is a function of the time, computed again
-- by the next call from the same stored state), unless the clock went back.
if allowed == 1 or clockWentBack then
	local fields = { string.format('%.0f', now) }
	for i = 1, count do
		fields[i + 1] = string.format('%s=%.0f@%.0f', ids[i], units[i], tonumber(ARGV[3 * i]) * tonumber(ARGV[3 * i + 1]))
	end
	for _, id in ipairs(storedOrder) do
		if not known[id] then
			-- Another instance's limit: refilled to now at its rate, dropped once full.
			local other = stored[id]
			local current = refilled(other[1], other[2], other[3])
			if current < other[2] then
				fields[#fields + 1] = string.format('%s=%.0f@%.0f', id, current, other[2])
				local micros = math.ceil((other[2] - current) / other[3])
				if micros > untilFull then
					untilFull = micros
				end
			end
		end
	end
	local ttl = math.ceil(untilFull / 1000)
	if ttl < 1 then
		ttl = 1
	end
	if ARGV[1] ~= '' and ttl < 60000 then
		-- A time passed in by a test moves apart from the clock Redis expires keys by.
		ttl = 60000
	end
	redis.call('SET', KEYS[1], table.concat(fields, ':'), 'PX', ttl)
end
return reply
