/**
 * Where carts live: hot in Redis, durably in PostgreSQL ({@code checkout_db}).
 *
 * <h2>Redis keys</h2> (all after {@link dev.cartwright.cart.store.CartStoreConfig#keyPrefix()})
 * <ul>
 *   <li>{@code {cart:<id>}} — hash with the cart (layout in {@code lua/cart-mutate.lua} and {@code CartHash}); a
 *       change removes its TTL, and the write-behind starts the idle TTL once it has stored the version the hash
 *       holds ({@code lua/cart-idle-ttl.lua}), so a cart only expires when PostgreSQL has its newest state;</li>
 *   <li>{@code {cart:<id>}:idem:<request key>} — what a change sent with an idempotency key left behind: its
 *       request's fingerprint, the version it made and the cart's customer (MessagePack, a few dozen bytes), kept for
 *       the idempotency TTL;</li>
 *   <li>{@code idem-keys:<hour>} — how many idempotency keys were stored in that hour
 *       ({@link dev.cartwright.cart.store.IdempotencyKeyCount});</li>
 *   <li>{@code customer-cart:{<customer id>}} — the customer's ACTIVE cart id; a hint checked on every read;</li>
 *   <li>{@code cart-create:{<request key>}} — the cart id a guest cart's create request with that key minted, and the
 *       request's fingerprint;</li>
 *   <li>the change stream ({@link dev.cartwright.cart.store.CartStoreConfig#streamKey()}, no prefix added), one entry
 *       per applied change with the change record {@code cart_id, version, type, customer_id, product_id, quantity,
 *       delta, unit_price, currency, at} and, for some types, {@code other_cart_id}, {@code code}, {@code order_id},
 *       {@code checkout_id}; written as the field {@code cart_id}, the whole record packed as one MessagePack map in
 *       the field {@code e}, and the cart after the change packed in the field {@code c};
 *       {@link dev.cartwright.cart.store.ChangeRecords} decodes an entry into a
 *       {@link dev.cartwright.cart.store.change.CartChange}.</li>
 * </ul>
 * Every key of one cart carries the hash tag {@code {cart:<id>}}. That is the layout with one shard on one Redis. With
 * several shards, or on a Redis Cluster ({@link dev.cartwright.cart.store.CartStoreConfig#sharded()}), the keys of a
 * cart in shard k (CRC16 of its id modulo the shards) carry the shard's tag instead: {@code {s<k>}cart:<id>},
 * {@code {s<k>}cart:<id>:idem:<request key>}, {@code {s<k>}idem-keys:<hour>}, and the shard's stream
 * {@code <stream key>:{s<k>}}, so one call of {@code cart-mutate.lua} touches one hash slot; a customer's index entry
 * is {@code {s<c>}customer-cart:<customer id>} in the customer's shard c, claimed before the cart is created
 * ({@link dev.cartwright.cart.store.RedisCartStore}). The tags are chosen so the shards spread evenly over the slots
 * ({@link dev.cartwright.cart.store.ShardTags}).
 *
 * <h2>Flow</h2>
 * {@link dev.cartwright.cart.store.RedisCartStore} applies each change with one EVALSHA of {@code cart-mutate.lua};
 * {@link dev.cartwright.cart.store.WriteBehind} reads the stream (group {@code write-behind}) and upserts the newest
 * state of each cart, as its newest entry carries it, into PostgreSQL ({@link dev.cartwright.cart.store.PgCartRepository}),
 * parking a cart PostgreSQL refuses ({@link dev.cartwright.cart.store.ParkedCarts},
 * {@link dev.cartwright.cart.store.ParkedCartReplay}); the Kafka bridge reads the same stream (group
 * {@code kafka-bridge}); both read through one {@link dev.cartwright.cart.store.ChangeStreamConsumer};
 * {@link dev.cartwright.cart.store.ChangeStreamTrimmer} drops only entries both groups acknowledged;
 * {@link dev.cartwright.cart.store.AbandonmentSweeper} marks long-idle carts abandoned. At start-up
 * {@link dev.cartwright.cart.store.RedisDurabilityCheck} checks that Redis neither evicts nor forgets, and
 * {@link dev.cartwright.cart.store.CartSchemaLimits} that the configured limits fit the schema's CHECKs.
 */
package dev.cartwright.cart.store;
