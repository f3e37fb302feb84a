-- Reads one cart hash and sends it packed as one MessagePack array (field, value, field, value, ...; empty when the
-- cart is not in Redis): one bulk string for the client to parse instead of two per field, as cart-mutate.lua's
-- replies do.
--
-- KEYS[1] the cart hash {cart:<id>}

return cmsgpack.pack(redis.call('HGETALL', KEYS[1]))
