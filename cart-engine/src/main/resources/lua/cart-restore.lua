-- Puts a cart read from PostgreSQL back into Redis, but only if Redis has no cart under the key: a hot cart is
-- always at least as new as the stored one, so it is never overwritten.
--
-- KEYS[1] the cart hash {cart:<id>}
-- ARGV[1] idle TTL (seconds), ARGV[2..] field, value, field, value, ... (the layout of cart-mutate.lua)
--
-- Reply: {'RESTORED'} when written, else {'HOT', field, value, ...} with the cart Redis already holds.

local raw = redis.call('HGETALL', KEYS[1])
if #raw > 0 then
    local reply = {'HOT'}
    for i = 1, #raw do
        reply[i + 1] = raw[i]
    end
    return reply
end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return {'RESTORED'}
