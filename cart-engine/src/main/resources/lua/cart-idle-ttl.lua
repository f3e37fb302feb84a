-- Starts a cart's idle TTL once the write-behind has stored the version Redis holds. A changed cart carries no TTL
-- (cart-mutate.lua removes it), so a cart with changes not yet in PostgreSQL never expires and can never come back
-- from an older stored copy; once its newest version is stored it may leave Redis after the idle TTL like any other.
-- A change made since the stored version keeps the cart without a TTL until the write-behind stores that one too.
--
-- The customer's index entry (customer-cart:{<customer>}, written without a TTL when the cart is created) gets its
-- TTL here too, and only while it still points at this cart: before the cart is stored, PostgreSQL knows no active cart
-- of the customer, so an index that expired then would let a second active cart start.
--
-- KEYS[1] the cart hash {cart:<id>}, KEYS[2] (optional) the customer index of the cart's customer
-- ARGV[1] the version now stored in PostgreSQL, ARGV[2] idle TTL (seconds), ARGV[3] the cart id (with KEYS[2])
--
-- Reply: 1 when the TTL was set, 0 when Redis holds another version or no cart.

if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then
    if KEYS[2] and redis.call('GET', KEYS[2]) == ARGV[3] then
        redis.call('EXPIRE', KEYS[2], ARGV[2])
    end
    return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
