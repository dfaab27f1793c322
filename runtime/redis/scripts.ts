/**
 * The Lua scripts: each runs atomically on the server, so every write is one step that no other
 * client can interleave with, and each is one round trip however many experiments or units it covers.
 * No `#!lua` flags line, so that Redis 6 runs them too.
 *
 * A batch (ASSIGN, COMPLETE) names each of its experiments' keys once, three by three in KEYS
 * (enabled, assignments, stats), and each variant list once at the start of ARGV (how many lists,
 * then each list's length and names); each request then refers to its experiment and its list by
 * number. A batch reads first and writes last, so that nothing it can fail on comes after a write:
 * keys of the wrong type are refused before anything is read, and a server out of memory refuses
 * the first write, which adds to the statistics, before the assignments change. The statistics it
 * adds are summed in the script and written once per field: a batch of 1,000 rewards for one
 * experiment writes 9 fields, not 3,000.
 */

const BATCH = `
local at = 2
local lists = {}
for list = 1, tonumber(ARGV[1]) do
  local members = {}
  local size = tonumber(ARGV[at])
  for name = at + 1, at + size do members[ARGV[name]] = true end
  lists[list] = members
  at = at + size + 1
end
local enabled, changed, added = {}, {}, {}
for k = 1, #KEYS, 3 do
  for _, key in ipairs({ KEYS[k + 1], KEYS[k + 2] }) do
    local found = redis.call('TYPE', key).ok
    if found ~= 'hash' and found ~= 'none' then
      return redis.error_reply('WRONGTYPE prosper found a ' .. found .. ' at ' .. key .. ', where it keeps a hash')
    end
  end
  enabled[k] = redis.call('EXISTS', KEYS[k]) == 1
  changed[k] = {}
end
local function add(k, field, by)
  local fields = added[k] or {}
  added[k] = fields
  fields[field] = (fields[field] or 0) + by
end
local function addStats()
  for k, fields in pairs(added) do
    for field, by in pairs(fields) do
      redis.call(field:sub(1, 4) == 'sum:' and 'HINCRBYFLOAT' or 'HINCRBY', KEYS[k + 2], field, by)
    end
  end
end
local reply = {}
`;

/**
 * KEYS: enabled and assignments of each experiment, then the stats of each experiment asked for.
 * ARGV: the unit's field, the number of experiments.
 * Gives { enabled flags, stored variants (nil for none), then each stats hash as field, value, ... }.
 */
export const READ_UNIT = `
local unit, count = ARGV[1], tonumber(ARGV[2])
local enabled, variants = {}, {}
for i = 1, count do
  enabled[i] = redis.call('EXISTS', KEYS[2 * i - 1])
  variants[i] = redis.call('HGET', KEYS[2 * i], unit)
end
local reply = { enabled, variants }
for k = 2 * count + 1, #KEYS do reply[#reply + 1] = redis.call('HGETALL', KEYS[k]) end
return reply
`;

/** KEYS: the stats hashes. Gives each as field, value, ... */
export const READ_STATS = `
local reply = {}
for k = 1, #KEYS do reply[k] = redis.call('HGETALL', KEYS[k]) end
return reply
`;

/**
 * ARGV after the lists, per request: experiment number, list number, unit field, variant.
 * Gives per request 1 (stored and counted), 0 (experiment not enabled: nothing stored) or the
 * variant the unit already has, which is one of the list's and so is kept. A unit asked for twice
 * in one batch is stored once: the second request sees the first's variant.
 */
export const ASSIGN = `${BATCH}
while at <= #ARGV do
  local k, members = 3 * tonumber(ARGV[at]) - 2, lists[tonumber(ARGV[at + 1])]
  local unit, variant = ARGV[at + 2], ARGV[at + 3]
  at = at + 4
  local answer = 0
  if enabled[k] then
    local stored = changed[k][unit]
    if stored == nil then stored = redis.call('HGET', KEYS[k + 1], unit) end
    if stored and members[stored] then
      answer = stored
    else
      changed[k][unit] = variant
      add(k, 'assigned:' .. variant, 1)
      answer = 1
    end
  end
  reply[#reply + 1] = answer
end
addStats()
for k, units in pairs(changed) do
  local fieldsAndValues = {}
  for unit, variant in pairs(units) do
    fieldsAndValues[#fieldsAndValues + 1] = unit
    fieldsAndValues[#fieldsAndValues + 1] = variant
  end
  if #fieldsAndValues > 0 then redis.call('HSET', KEYS[k + 1], unpack(fieldsAndValues)) end
end
return reply
`;

/**
 * ARGV after the lists, per request: experiment number, list number, unit field, score, success (0 or 1).
 * Takes each unit's assignment and, when its variant is in the list and the experiment is
 * enabled, adds the reward. Gives per request the variant taken, or nil when there was none (or
 * an earlier request of the same batch took it).
 */
export const COMPLETE = `${BATCH}
while at <= #ARGV do
  local k, members = 3 * tonumber(ARGV[at]) - 2, lists[tonumber(ARGV[at + 1])]
  local unit, score, success = ARGV[at + 2], tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
  at = at + 5
  local taken = false
  if not changed[k][unit] then taken = redis.call('HGET', KEYS[k + 1], unit) end
  if taken then
    changed[k][unit] = true
    if members[taken] and enabled[k] then
      add(k, 'count:' .. taken, 1)
      add(k, 'sum:' .. taken, score)
      if success == 1 then add(k, 'successes:' .. taken, 1) end
    end
  end
  reply[#reply + 1] = taken
end
addStats()
for k, units in pairs(changed) do
  local fields = {}
  for unit in pairs(units) do fields[#fields + 1] = unit end
  if #fields > 0 then redis.call('HDEL', KEYS[k + 1], unpack(fields)) end
end
return reply
`;
