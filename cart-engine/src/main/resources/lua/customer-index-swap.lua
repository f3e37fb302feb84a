-- Moves a customer's index entry from one cart to another only if it still points where the caller saw it, so a
-- reader repairing a stale entry never undoes a cart created meanwhile.
--
-- KEYS[1] the customer index customer-cart:{<customer>}
-- ARGV[1] the cart id the caller saw ('' = no entry), ARGV[2] the new cart id ('' = remove), ARGV[3] TTL (seconds)
--
-- Reply: 1 when swapped, 0 when the entry had changed.

local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then
    return 0
end
if ARGV[2] == '' then
    redis.call('DEL', KEYS[1])
else
    redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return 1
