package dev.cartwright.cart.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.cartwright.cart.Cart;
import dev.cartwright.cart.CartCommand;
import dev.cartwright.cart.CartCommand.AddItem;
import dev.cartwright.cart.CartCommand.ApplyPromotion;
import dev.cartwright.cart.CartCommand.ClearCart;
import dev.cartwright.cart.CartCommand.CreateCart;
import dev.cartwright.cart.CartCommand.MarkAbandoned;
import dev.cartwright.cart.CartCommand.MarkConverted;
import dev.cartwright.cart.CartCommand.MarkMerged;
import dev.cartwright.cart.CartCommand.MergeFrom;
import dev.cartwright.cart.CartCommand.RemoveItem;
import dev.cartwright.cart.CartCommand.RemovePromotion;
import dev.cartwright.cart.CartCommand.SetQuantity;
import dev.cartwright.cart.CartLine;
import dev.cartwright.cart.CartMutationException;
import dev.cartwright.cart.CartStatus;
import dev.cartwright.cart.CartText;
import dev.cartwright.cart.Mutation;
import dev.cartwright.cart.MutationResult;
import dev.cartwright.cart.MutationResult.Applied;
import dev.cartwright.cart.MutationResult.NotFound;
import dev.cartwright.cart.MutationResult.Refused;
import dev.cartwright.cart.MutationResult.StaleVersion;
import dev.cartwright.cart.Refusal;
import dev.cartwright.pricing.CartLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cart store: carts live in Redis hashes changed only by cart-mutate.lua (one EVALSHA per change, which also
 * appends the change to the stream the write-behind and the Kafka bridge read), and PostgreSQL behind them for carts
 * no longer hot. Owns the request encoding of the script protocol and the read-through.
 */
public final class RedisCartStore implements CartStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCartStore.class);
    private static final String OK = "OK";
    /** The expected-owner argument of cart-mutate.lua: "" for any cart, else this mark and the customer id. */
    private static final String ANY_OWNER = "";
    private static final String OWNER_MARK = "=";
    /** The W3C trace context's names, as a trace context supplier gives them and the change record keeps them. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** The arguments before the per-kind ones, see {@link #header}. */
    private static final int HEADER_SIZE = 8;
    /** How often a change waiting for replicas is sent again while the cluster redirects it, and the pause between. */
    private static final int REDIRECT_ATTEMPTS = 40;
    private static final long REDIRECT_PAUSE_MILLIS = 100;
    /** How often a merge starts over because the source changed while it was being read. */
    private static final int MERGE_ATTEMPTS = 10;

    private final Vertx vertx;
    private final Redis redis;
    private final PgCartRepository repository;
    private final CartStoreConfig config;
    private final Clock clock;
    private final LuaScript mutate;
    private final Supplier<Map<String, String>> traceContext;
    private final LuaScript restore;
    private final LuaScript indexSwap;
    private final LuaScript read;
    private final LuaScript catchUp;
    private final String idleTtlSeconds;
    private final String idempotencyTtlSeconds;

    private RedisCartStore(Vertx vertx, Redis redis, PgCartRepository repository, CartStoreConfig config, Clock clock,
                           List<LuaScript> scripts, Supplier<Map<String, String>> traceContext) {
        this.vertx = vertx;
        this.redis = redis;
        this.traceContext = traceContext;
        this.repository = repository;
        this.config = config;
        this.clock = clock;
        this.mutate = scripts.get(0);
        this.restore = scripts.get(1);
        this.indexSwap = scripts.get(2);
        this.read = scripts.get(3);
        this.catchUp = scripts.get(4);
        this.idleTtlSeconds = Long.toString(Math.max(1, config.idleTtl().toSeconds()));
        this.idempotencyTtlSeconds = Long.toString(Math.max(1, config.idempotencyTtl().toSeconds()));
    }

    /**
     * Reads the scripts (off the event loop) and loads them into Redis, so the first EVALSHA finds them. The Redis
     * client is the caller's: a pooled client shared by the process (several connections are what lets one process
     * pipeline many carts' changes).
     */
    public static Future<RedisCartStore> create(Vertx vertx, Redis redis, PgCartRepository repository, CartStoreConfig config,
                                                Clock clock) {
        return create(vertx, redis, repository, config, clock, Map::of);
    }

    /**
     * Like {@link #create(Vertx, Redis, PgCartRepository, CartStoreConfig, Clock)}, and each change's stream entry keeps
     * the trace context {@code traceContext} gives where the change is made (W3C {@code traceparent} and
     * {@code tracestate}; none when it gives none), so the event published for it continues the trace.
     */
    public static Future<RedisCartStore> create(Vertx vertx, Redis redis, PgCartRepository repository, CartStoreConfig config,
                                                Clock clock, Supplier<Map<String, String>> traceContext) {
        return vertx.executeBlocking(() -> List.of(
                LuaScript.load("cart-mutate.lua"), LuaScript.load("cart-restore.lua"), LuaScript.load("customer-index-swap.lua"),
                LuaScript.load("cart-read.lua"), LuaScript.load("cart-catch-up.lua")))
            .compose(scripts -> Future.all(scripts.stream().map(script -> script.preload(redis)).toList())
                .map(loaded -> new RedisCartStore(vertx, redis, repository, config, clock, scripts, traceContext)));
    }

    public CartStoreConfig config() {
        return config;
    }

    // Changes -------------------------------------------------------------------------------------------------------

    @Override
    public Future<MutationResult> apply(Mutation mutation) {
        if (mutation.command() instanceof CreateCart create) {
            return create(mutation.cartId(), create, mutation.idempotencyKey(), createFingerprint(create, mutation.idempotencyKey(),
                mutation.requestFingerprint()));
        }
        return caughtUp(mutation.cartId()).compose(v -> runMutation(mutation)).compose(reply -> {
            if (!"NOTFOUND".equals(reply.get(0).toString())) {
                return storedBeforeAnswer(mutation.cartId(), toResult(reply));
            }
            if (reply.size() > 1) {
                // Another customer's cart: it exists, but not for this caller; nothing to load.
                return Future.succeededFuture(new NotFound());
            }
            // Not hot: bring the stored cart back (so its lines and version survive) and apply the change to it.
            return readThrough(mutation.cartId()).compose(found -> found.isEmpty()
                ? Future.succeededFuture(new NotFound())
                : runMutation(mutation).compose(again -> storedBeforeAnswer(mutation.cartId(), toResult(again))));
        });
    }

    /**
     * While every write is mirrored into a legacy database (dual-write on): a change is stored, and so mirrored, before
     * it is answered, so a customer the gateway moves back to the legacy service at the very next call finds it there
     * (the write-behind would store it only at its next batch). The write-behind stores it again later, which changes
     * nothing. A failure here is logged, never the caller's: the change stands in Redis and the write-behind stores it.
     */
    private Future<MutationResult> storedBeforeAnswer(String cartId, MutationResult result) {
        if (!(result instanceof Applied applied) || applied.replayed() || !repository.mirrorsEveryWrite()) {
            return Future.succeededFuture(result);
        }
        return read.call(redis, List.of(config.cartKey(cartId)), List.of())
            .compose(reply -> {
                StoredCart hot = CartHash.decodePacked(reply.toBytes());
                return hot == null ? Future.succeededFuture(result) : repository.upsert(List.of(hot)).map(result);
            })
            .recover(e -> {
                LOG.warn("event=cart_store_before_answer_failed cart_id={} error=\"{}\"", cartId, e.toString());
                return Future.succeededFuture(result);
            });
    }

    @Override
    public Future<Cart> createOrGetActive(String newCartId, String customerId, String currency, String region, String idempotencyKey,
                                          String requestFingerprint) {
        CreateCart create = new CreateCart(customerId, currency, region);
        CartText.requireCartId(newCartId);
        return create(newCartId, create, idempotencyKey, createFingerprint(create, idempotencyKey, requestFingerprint))
            .compose(result -> result instanceof Applied applied ? storedBeforeAnswer(applied.cart().cartId(), result)
                : Future.succeededFuture(result))
            .compose(result -> cartOf(newCartId, result));
    }

    private static String createFingerprint(CreateCart create, String idempotencyKey, String requestFingerprint) {
        return idempotencyKey.isEmpty() || !requestFingerprint.isEmpty() ? requestFingerprint
            : fingerprint(create.kind(), List.of(create.customerId(), create.currency(), create.region()));
    }

    private Future<MutationResult> create(String newCartId, CreateCart create, String idempotencyKey, String fingerprint) {
        if (!create.customerId().isEmpty()) {
            return activeCartOf(create.customerId()).compose(active -> active.isPresent()
                ? Future.succeededFuture(new Applied(active.get(), true))
                : createCustomerCart(newCartId, create, true));
        }
        if (idempotencyKey.isEmpty()) {
            return runCreate(newCartId, create).map(RedisCartStore::toResult);
        }
        // A guest's retried create mints a new cart id each time; the request key remembers the first one, with the
        // request's fingerprint so that the same key with another request is refused rather than answered.
        Request remember = Request.cmd(Command.SET).arg(config.createRequestKey(idempotencyKey)).arg(newCartId + "|" + fingerprint)
            .arg("NX").arg("GET").arg("EX").arg(idempotencyTtlSeconds);
        return redis.send(remember).compose(previous -> {
            if (previous == null) {
                return countIdempotencyKey(newCartId).compose(counted -> runCreate(newCartId, create)).map(RedisCartStore::toResult);
            }
            String remembered = previous.toString();
            int bar = remembered.indexOf('|');
            String firstId = bar < 0 ? remembered : remembered.substring(0, bar);
            if (bar >= 0 && !remembered.substring(bar + 1).equals(fingerprint)) {
                return Future.succeededFuture(new Refused(Refusal.KEY_REUSED, "idempotency key reused with different parameters"));
            }
            return find(firstId).compose(found -> found.isPresent()
                ? Future.succeededFuture(new Applied(found.get(), true))
                : runCreate(firstId, create).map(RedisCartStore::toResult));
        });
    }

    private Future<MutationResult> createCustomerCart(String newCartId, CreateCart create, boolean mayRepairIndex) {
        if (config.sharded()) {
            return claimAndCreate(newCartId, create, mayRepairIndex);
        }
        return runCreate(newCartId, create).compose(reply -> {
            if (!"EXISTS".equals(reply.get(0).toString())) {
                return Future.succeededFuture(toResult(reply));
            }
            // Another cart is in the index: created concurrently (answer with it) or no longer active (repair, retry).
            String other = reply.get(1).toString();
            return find(other).compose(found -> {
                if (found.isPresent() && found.get().status() == CartStatus.ACTIVE) {
                    return Future.succeededFuture(new Applied(found.get(), true));
                }
                if (!mayRepairIndex) {
                    return Future.failedFuture(new IllegalStateException(
                        "the cart index of customer " + create.customerId() + " keeps pointing at inactive carts"));
                }
                return swapIndex(create.customerId(), other, "").compose(swapped -> createCustomerCart(newCartId, create, false));
            });
        });
    }

    /**
     * A customer's cart when keys are sharded: the customer's index entry (in the customer's shard) and the cart (in its
     * own) cannot change in one script, so the entry is claimed first (SET NX, no TTL) and the cart created after. The
     * entry decides which cart is the customer's: a claim that lost answers the winner's cart. A claimed cart that
     * exists nowhere yet (its create is under way, or the process that claimed it stopped before creating it) is
     * created here under the claimed id; the create script answers the same cart to whichever create comes second. So
     * a customer never gets two active carts, and a claim left behind by a crash is completed by the next create.
     */
    private Future<MutationResult> claimAndCreate(String newCartId, CreateCart create, boolean mayRepairIndex) {
        Request claim = Request.cmd(Command.SET).arg(config.customerIndexKey(create.customerId())).arg(newCartId).arg("NX").arg("GET");
        return sendReplicated(claim, REDIRECT_ATTEMPTS).compose(previous -> {
            String claimed = previous == null ? newCartId : previous.toString();
            if (claimed.equals(newCartId)) {
                return runCreate(newCartId, create).map(RedisCartStore::toResult);
            }
            return find(claimed).compose(found -> {
                if (found.isEmpty()) {
                    return runCreate(claimed, create).map(RedisCartStore::toResult);
                }
                if (isActiveCartOf(found, create.customerId())) {
                    return Future.succeededFuture(new Applied(found.get(), true));
                }
                if (!mayRepairIndex) {
                    return Future.failedFuture(new IllegalStateException(
                        "the cart index of customer " + create.customerId() + " keeps pointing at inactive carts"));
                }
                return swapIndex(create.customerId(), claimed, "").compose(swapped -> claimAndCreate(newCartId, create, false));
            });
        });
    }

    private Future<Response> runCreate(String cartId, CreateCart create) {
        List<String> keys = new ArrayList<>(5);
        keys.add(config.cartKey(cartId));
        keys.add(config.idempotencyKey(cartId, ""));
        keys.add(config.streamKeyOf(cartId));
        keys.add(idempotencyCountKey(cartId));
        if (!create.customerId().isEmpty() && !config.sharded()) {
            // Sharded, the index is in the customer's shard, not the cart's: claimed before the create instead.
            keys.add(config.customerIndexKey(create.customerId()));
        }
        List<String> args = header(create, cartId, "", "", ANY_OWNER);
        args.add(create.customerId());
        args.add(create.currency());
        args.add(create.region());
        traced(args);
        return mutateCall(keys, args);
    }

    private Future<Response> runMutation(Mutation mutation) {
        String cartId = mutation.cartId();
        List<String> keys = List.of(config.cartKey(cartId), config.idempotencyKey(cartId, mutation.idempotencyKey()),
            config.streamKeyOf(cartId), idempotencyCountKey(cartId));
        String expected = mutation.expectedVersion().isPresent() ? Long.toString(mutation.expectedVersion().getAsLong()) : "";
        String owner = mutation.expectedOwner().isPresent() ? OWNER_MARK + mutation.expectedOwner().get() : ANY_OWNER;
        List<String> args = header(mutation.command(), cartId, expected, "", owner);
        arguments(mutation.command(), args);
        if (!mutation.idempotencyKey().isEmpty()) {
            String given = mutation.requestFingerprint();
            args.set(2, given.isEmpty() ? fingerprint(mutation.command().kind(), args.subList(HEADER_SIZE, args.size())) : given);
        }
        traced(args);
        return mutateCall(keys, args);
    }

    /**
     * One call of cart-mutate.lua; with a {@link CartStoreConfig.ReplicaWait}, acknowledged only once that many
     * replicas hold it (see {@link LuaScript#callReplicated}), sent again while the cluster redirects it (the script
     * did not run then) for up to {@link #REDIRECT_ATTEMPTS} attempts.
     */
    private Future<Response> mutateCall(List<String> keys, List<String> args) {
        CartStoreConfig.ReplicaWait wait = config.replicaWait();
        if (wait.replicas() == 0) {
            return mutate.call(redis, keys, args);
        }
        return replicatedCall(keys, args, wait, REDIRECT_ATTEMPTS);
    }

    /** One command, acknowledged as {@link #mutateCall} acknowledges a change (the customer index's claim). */
    private Future<Response> sendReplicated(Request request, int attemptsLeft) {
        CartStoreConfig.ReplicaWait wait = config.replicaWait();
        if (wait.replicas() == 0) {
            return redis.send(request);
        }
        return redis.batch(List.of(request, Request.cmd(Command.WAIT).arg(wait.replicas()).arg(wait.timeout().toMillis())))
            .compose(replies -> replies.get(1).toLong() >= wait.replicas() ? Future.succeededFuture(replies.get(0))
                : Future.<Response>failedFuture(new LuaScript.ReplicasBehind(wait.replicas(), replies.get(1).toLong())))
            .recover(failure -> attemptsLeft <= 1 || !LuaScript.redirected(failure) ? Future.failedFuture(failure)
                : vertx.timer(REDIRECT_PAUSE_MILLIS).compose(paused -> sendReplicated(request, attemptsLeft - 1)));
    }

    private Future<Response> replicatedCall(List<String> keys, List<String> args, CartStoreConfig.ReplicaWait wait, int attemptsLeft) {
        return mutate.callReplicated(redis, keys, args, wait.replicas(), wait.timeout().toMillis()).recover(failure -> {
            if (attemptsLeft <= 1 || !LuaScript.redirected(failure)) {
                return Future.failedFuture(failure);
            }
            // The client refreshes its slot map at most once per topology TTL (1 s by default): wait a little, ask again.
            return vertx.timer(REDIRECT_PAUSE_MILLIS).compose(paused -> replicatedCall(keys, args, wait, attemptsLeft - 1));
        });
    }

    /** The script's last two arguments, after the fingerprint was taken: the change's traceparent and tracestate, or "". */
    private void traced(List<String> args) {
        Map<String, String> trace = traceContext.get();
        args.add(trace.getOrDefault(TRACEPARENT, ""));
        args.add(trace.getOrDefault(TRACESTATE, ""));
    }

    /** The current hour's counter of stored idempotency keys in the cart's shard (see {@link IdempotencyKeyCount}). */
    private String idempotencyCountKey(String cartId) {
        return config.idempotencyCountKey(IdempotencyKeyCount.hourOf(clock.millis()), config.shardOf(cartId));
    }

    private Future<Void> countIdempotencyKey(String cartId) {
        String key = idempotencyCountKey(cartId);
        return redis.batch(List.of(Request.cmd(Command.INCR).arg(key),
                Request.cmd(Command.EXPIRE).arg(key).arg(Long.parseLong(idempotencyTtlSeconds) + 3600)))
            .mapEmpty();
    }

    /**
     * A request's fingerprint when the caller gave none: the command's kind and script arguments, digested to 22
     * characters (132 bits of SHA-256), so what a key remembers stays small whatever the command carried.
     */
    static String fingerprint(String kind, List<String> arguments) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(kind.getBytes(StandardCharsets.UTF_8));
            for (String argument : arguments) {
                sha.update((byte) 0);
                sha.update(argument.getBytes(StandardCharsets.UTF_8));
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private List<String> header(CartCommand command, String cartId, String expectedVersion, String fingerprint, String owner) {
        List<String> args = new ArrayList<>(18);
        args.add(command.kind());
        args.add(expectedVersion);
        args.add(fingerprint);
        args.add(Long.toString(clock.millis()));
        args.add(idleTtlSeconds);
        args.add(idempotencyTtlSeconds);
        args.add(cartId);
        args.add(owner);
        return args;
    }

    /** The per-kind arguments of cart-mutate.lua, in the order the script reads them. */
    static void arguments(CartCommand command, List<String> args) {
        if (command instanceof CreateCart create) {
            args.add(create.customerId());
            args.add(create.currency());
            args.add(create.region());
        } else if (command instanceof AddItem add) {
            args.add(add.productId());
            args.add(add.categoryId());
            args.add(add.name());
            args.add(Integer.toString(add.quantity()));
            args.add(Long.toString(add.unitPriceMinor()));
            limits(add.limits(), args);
        } else if (command instanceof SetQuantity set) {
            args.add(set.productId());
            args.add(Integer.toString(set.quantity()));
            args.add(Integer.toString(set.limits().minQuantityPerLine()));
            args.add(Integer.toString(set.limits().maxQuantityPerLine()));
        } else if (command instanceof RemoveItem remove) {
            args.add(remove.productId());
        } else if (command instanceof ApplyPromotion apply) {
            args.add(apply.code());
        } else if (command instanceof RemovePromotion remove) {
            args.add(remove.code());
        } else if (command instanceof MergeFrom merge) {
            args.add(merge.sourceCartId());
            args.add(merge.sourceCurrency());
            limits(merge.limits(), args);
            args.add(Integer.toString(merge.lines().size()));
            for (CartLine line : merge.lines()) {
                args.add(line.productId());
                args.add(line.categoryId());
                args.add(line.name());
                args.add(Integer.toString(line.quantity()));
                args.add(Long.toString(line.unitPriceMinor()));
                args.add(Long.toString(line.addedAt().toEpochMilli()));
            }
            args.add(Integer.toString(merge.promotionCodes().size()));
            args.addAll(merge.promotionCodes());
        } else if (command instanceof MarkMerged merged) {
            args.add(merged.targetCartId());
        } else if (command instanceof MarkConverted converted) {
            args.add(converted.orderId());
            args.add(converted.checkoutId());
        } else if (!(command instanceof ClearCart) && !(command instanceof MarkAbandoned)) {
            // ClearCart and MarkAbandoned need nothing beyond the header; Java 17 has no exhaustive switch over
            // the sealed type, so a new command must be added here explicitly.
            throw new IllegalArgumentException("no script arguments for " + command);
        }
    }

    private static void limits(CartLimits limits, List<String> args) {
        args.add(Integer.toString(limits.minQuantityPerLine()));
        args.add(Integer.toString(limits.maxQuantityPerLine()));
        args.add(Integer.toString(limits.maxLinesPerCart()));
    }

    static MutationResult toResult(Response reply) {
        String status = reply.get(0).toString();
        return switch (status) {
            case OK -> new Applied(appliedCart(reply), "1".equals(reply.get(1).toString()));
            case "NOTFOUND" -> new NotFound();
            case "STALE" -> new StaleVersion(Long.parseLong(reply.get(1).toString()));
            case "REFUSED" -> new Refused(Refusal.valueOf(reply.get(1).toString()), reply.get(2).toString());
            default -> throw new IllegalStateException("unexpected reply from cart-mutate.lua: " + status);
        };
    }

    /**
     * The cart of an OK reply: packed in one bulk string ({@code {'OK', replayed, packed}}), or flat field/value
     * pairs in a reply remembered for an idempotent retry before replies were packed.
     */
    private static Cart appliedCart(Response reply) {
        if (reply.size() == 3) {
            return CartHash.decodePacked(reply.get(2).toBytes()).cart();
        }
        return CartHash.decode(RedisReplies.strings(reply, 2)).cart();
    }

    // Reads ---------------------------------------------------------------------------------------------------------

    @Override
    public Future<Optional<Cart>> find(String cartId) {
        return read.call(redis, List.of(config.cartKey(cartId)), List.of()).compose(reply -> {
            StoredCart hot = CartHash.decodePacked(reply.toBytes());
            if (hot != null) {
                return catchUp(cartId, hot.cart()).map(Optional::of);
            }
            return readThrough(cartId);
        });
    }

    /**
     * While the store follows a legacy database (the Order service serves some customers from order_db): a hot cart
     * the legacy service has changed since Redis got it — customers routed back there and returned — is replaced by
     * the newer copy before a change is applied to it, so the change is made on what the customer last saw and the
     * older hot copy never answers again. Costs one look-up in order_db per change; nothing without a legacy database.
     */
    private Future<Void> caughtUp(String cartId) {
        if (!repository.followsLegacy()) {
            return Future.succeededFuture();
        }
        return read.call(redis, List.of(config.cartKey(cartId)), List.of()).compose(reply -> {
            StoredCart hot = CartHash.decodePacked(reply.toBytes());
            // Not hot: the change reads the cart through PostgreSQL, which imports a newer legacy copy first.
            return hot == null ? Future.succeededFuture() : catchUp(cartId, hot.cart()).mapEmpty();
        });
    }

    /** The hot cart, or the newer copy the legacy database holds, imported and put in its place (see {@link #caughtUp}). */
    private Future<Cart> catchUp(String cartId, Cart hot) {
        if (!repository.followsLegacy()) {
            return Future.succeededFuture(hot);
        }
        return repository.newerInLegacy(cartId, hot.version()).compose(newer -> !newer ? Future.succeededFuture(hot)
            : repository.load(cartId).compose(stored -> {
                if (stored.isEmpty() || stored.get().cart().version() <= hot.version()) {
                    return Future.succeededFuture(hot);
                }
                List<String> args = new ArrayList<>();
                args.add(idleTtlSeconds);
                args.add(Long.toString(stored.get().cart().version()));
                args.addAll(CartHash.encode(stored.get()));
                return catchUp.call(redis, List.of(config.cartKey(cartId)), args).map(replaced -> {
                    if ("REPLACED".equals(replaced.get(0).toString())) {
                        LOG.info("event=hot_cart_replaced_by_legacy_copy cart_id={} hot_version={} legacy_version={}", cartId,
                            hot.version(), stored.get().cart().version());
                        return stored.get().cart();
                    }
                    return CartHash.decode(RedisReplies.strings(replaced, 1)).cart();
                });
            }));
    }

    /** Loads the cart from PostgreSQL and puts it back hot unless Redis got a (newer) cart meanwhile. */
    private Future<Optional<Cart>> readThrough(String cartId) {
        return repository.load(cartId).compose(stored -> {
            if (stored.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            List<String> args = new ArrayList<>();
            args.add(idleTtlSeconds);
            args.addAll(CartHash.encode(stored.get()));
            return restore.call(redis, List.of(config.cartKey(cartId)), args).map(reply -> {
                if ("RESTORED".equals(reply.get(0).toString())) {
                    return Optional.of(stored.get().cart());
                }
                return Optional.of(CartHash.decode(RedisReplies.strings(reply, 1)).cart());
            });
        });
    }

    @Override
    public Future<Optional<Cart>> activeCartOf(String customerId) {
        CartText.requireCustomerId(customerId);
        if (customerId.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        // A plain GET: an entry of a cart not yet stored carries no TTL, and must not get one before the write-behind
        // has stored the cart (cart-idle-ttl.lua starts it then).
        Request lookup = Request.cmd(Command.GET).arg(config.customerIndexKey(customerId));
        return redis.send(lookup).compose(indexed -> {
            if (indexed == null) {
                return activeCartFromStore(customerId, "");
            }
            String cartId = indexed.toString();
            return find(cartId).compose(found -> {
                if (isActiveCartOf(found, customerId)) {
                    return Future.succeededFuture(found);
                }
                // Sharded, an entry naming a cart that exists nowhere is a claim whose create has not happened yet (see
                // claimAndCreate): it is left for that create, or the next one, to complete.
                return activeCartFromStore(customerId, found.isEmpty() && config.sharded() ? "" : cartId);
            });
        });
    }

    /** The index had nothing (expired) or a cart no longer active: ask PostgreSQL, then repair the index. */
    private Future<Optional<Cart>> activeCartFromStore(String customerId, String staleCartId) {
        return repository.activeCartIdOf(customerId).compose(stored -> {
            if (stored.isEmpty() || stored.get().equals(staleCartId)) {
                return staleCartId.isEmpty()
                    ? Future.succeededFuture(Optional.<Cart>empty())
                    : swapIndex(customerId, staleCartId, "").map(swapped -> Optional.<Cart>empty());
            }
            return find(stored.get()).compose(found -> {
                if (!isActiveCartOf(found, customerId)) {
                    return Future.succeededFuture(Optional.<Cart>empty());
                }
                return swapIndex(customerId, staleCartId, stored.get()).map(swapped -> found);
            });
        });
    }

    private static boolean isActiveCartOf(Optional<Cart> cart, String customerId) {
        return cart.isPresent() && cart.get().status() == CartStatus.ACTIVE && cart.get().customerId().equals(customerId);
    }

    private Future<Boolean> swapIndex(String customerId, String from, String to) {
        return indexSwap.call(redis, List.of(config.customerIndexKey(customerId)), List.of(from, to, idleTtlSeconds))
            .map(reply -> reply.toInteger() == 1);
    }

    // Merging -------------------------------------------------------------------------------------------------------

    @Override
    public Future<Cart> merge(String sourceCartId, String targetCartId, CartLimits limits) {
        CartText.requireCartId(sourceCartId);
        CartText.requireCartId(targetCartId);
        if (sourceCartId.equals(targetCartId)) {
            return Future.failedFuture(new IllegalArgumentException("a cart cannot be merged into itself: " + sourceCartId));
        }
        return mergeAttempt(sourceCartId, targetCartId, limits, MERGE_ATTEMPTS);
    }

    /**
     * Marks the source MERGED at the version just read, then folds the now frozen source into the target. A change
     * that reaches the source in between makes the mark stale, and the merge starts over with the source as it is
     * then; once marked, the source takes no more changes, so every change it acknowledged is in what is folded.
     */
    private Future<Cart> mergeAttempt(String sourceCartId, String targetCartId, CartLimits limits, int attemptsLeft) {
        return find(sourceCartId).compose(source -> {
            if (source.isEmpty()) {
                return Future.failedFuture(new CartMutationException(sourceCartId, new NotFound()));
            }
            Cart from = source.get();
            if (from.status() == CartStatus.MERGED && from.mergedInto().equals(targetCartId)) {
                // Marked before (a repeated call, or a crash between the steps): fold it, which changes nothing if done.
                return fold(from, targetCartId, limits);
            }
            if (from.status() != CartStatus.ACTIVE) {
                return Future.failedFuture(new CartMutationException(sourceCartId,
                    new Refused(Refusal.NOT_ACTIVE, "cart " + sourceCartId + " is " + from.status())));
            }
            return find(targetCartId).compose(target -> {
                // What would refuse the fold is checked before the source is marked, so a marked source always folds.
                MutationResult refusal = foldRefusal(from, targetCartId, target);
                if (refusal != null) {
                    return Future.failedFuture(new CartMutationException(targetCartId, refusal));
                }
                Mutation mark = Mutation.of(sourceCartId, new MarkMerged(targetCartId)).withExpectedVersion(from.version());
                return apply(mark).compose(marked -> {
                    if (marked instanceof StaleVersion && attemptsLeft > 1) {
                        return mergeAttempt(sourceCartId, targetCartId, limits, attemptsLeft - 1);
                    }
                    return cartOf(sourceCartId, marked).compose(frozen -> fold(frozen, targetCartId, limits));
                });
            });
        });
    }

    private static MutationResult foldRefusal(Cart source, String targetCartId, Optional<Cart> target) {
        if (target.isEmpty()) {
            return new NotFound();
        }
        if (target.get().status() != CartStatus.ACTIVE) {
            return new Refused(Refusal.NOT_ACTIVE, "cart " + targetCartId + " is " + target.get().status());
        }
        if (!target.get().currency().equals(source.currency())) {
            return new Refused(Refusal.CURRENCY_MISMATCH, "cart " + source.cartId() + " is in " + source.currency()
                + ", this cart in " + target.get().currency());
        }
        return null;
    }

    /** Step 2: the source's lines and codes into the target, once per source (the target remembers it). */
    private Future<Cart> fold(Cart source, String targetCartId, CartLimits limits) {
        MergeFrom fold = new MergeFrom(source.cartId(), source.currency(), source.lines(), source.promotionCodes(), limits);
        return apply(Mutation.of(targetCartId, fold)).compose(folded -> cartOf(targetCartId, folded));
    }

    private static Future<Cart> cartOf(String cartId, MutationResult result) {
        if (result instanceof Applied applied) {
            return Future.succeededFuture(applied.cart());
        }
        return Future.failedFuture(new CartMutationException(cartId, result));
    }
}
