-- Replaces a hot cart with a newer copy read from PostgreSQL: one the legacy Order service changed while it served the
-- customer (imported from order_db), which Redis, holding the cart from before, must not keep answering with. A cart
-- Redis holds at the same or a higher version is left as it is, so a change made here meanwhile is never undone.
--
-- KEYS[1] the cart hash {cart:<id>}
-- ARGV[1] idle TTL (seconds), ARGV[2] the newer copy's version, ARGV[3..] field, value, ... (the layout of cart-mutate.lua)
--
-- Reply: {'REPLACED'} when written, else {'HOT', field, value, ...} with the cart Redis holds.

local raw = redis.call('HGETALL', KEYS[1])
local held = nil
for i = 1, #raw, 2 do
    if raw[i] == 'v' then
        held = tonumber(raw[i + 1])
    end
end
if held ~= nil and held >= tonumber(ARGV[2]) then
    local reply = {'HOT'}
    for i = 1, #raw do
        reply[i + 1] = raw[i]
    end
    return reply
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return {'REPLACED'}
