-- Starts a cart's idle TTL once the write-behind has stored the version Redis holds. A changed cart carries no TTL
-- (cart-mutate.lua removes it), so a cart with changes not yet in PostgreSQL never expires and can never come back
-- from an older stored copy; once its newest version is stored it may leave Redis after the idle TTL like any other.
-- A change made since the stored version keeps the cart without a TTL until the write-behind stores that one too.
--
-- KEYS[1] the cart hash {cart:<id>}
-- ARGV[1] the version now stored in PostgreSQL, ARGV[2] idle TTL (seconds)
--
-- Reply: 1 when the TTL was set, 0 when Redis holds another version or no cart.

if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then
    return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
