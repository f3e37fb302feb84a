package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Generates a plausible order_db: carts with items and promotions, checkouts with addresses, returns with items, status
 * history, refunds and labels — with the monolith's awkward values on purpose: amounts with cents, whole-yen JPY
 * amounts, NULLs wherever the legacy schema allows them, names in many scripts, lower-case country codes, a NULL
 * last_activity_at on old carts. The same seed gives the same rows. For tests and for trying the tool on a demo
 * database ({@code order-migration seed-legacy}); never for production.
 */
public final class LegacySampleData {

    /** How many aggregates of each kind. */
    public record Counts(int carts, int checkouts, int returns) {
    }

    /** What was written. */
    public record Seeded(int carts, int cartItems, int cartPromotions, int checkouts, int checkoutAddresses, int returns, int returnItems,
                         int returnHistory, int returnRefunds, int returnShipping) {

        public int rows() {
            return carts + cartItems + cartPromotions + checkouts + checkoutAddresses + returns + returnItems + returnHistory
                + returnRefunds + returnShipping;
        }
    }

    private static final String[] NAMES = {"Crème brûlée set", "Łódź city mug", "東京 tote bag", "naïve café beans", "Smørrebrød plate",
        "Ωmega socks", "Ёлка ornament", "Señor's sombrero", "Zürich map", "plain tee", "mug \"quoted\"", "back\\slash pen",
        "emoji 🎉 card", "tab\tand\nnewline"};
    private static final String[] LINE_NAMES = {"Crème brûlée set", "東京 tote bag", "plain tee"};
    private static final String[] PEOPLE = {"Zoë Ångström", "José Núñez", "Łukasz Żółć", "李雷", "Ngozi Okonkwo", "O'Brien, Siobhán",
        "Jürgen Weiß"};
    private static final String[] CITIES = {"Kraków", "São Paulo", "Zürich", "Reykjavík", "Springfield", "東京"};
    private static final String[] COUNTRIES = {"PL", "br", "CH", "is", "US", "JP"};
    private static final String[] CURRENCIES = {"USD", "USD", "USD", "EUR", "GBP", "JPY"};
    private static final String[] CART_STATUSES = {"ACTIVE", "ACTIVE", "CONVERTED", "ABANDONED", "MERGED"};
    private static final String[] CHECKOUT_STATUSES = {"PENDING", "PROCESSING", "COMPLETED", "COMPLETED", "FAILED", "EXPIRED"};
    private static final String[] RETURN_STATUSES = {"PENDING", "APPROVED", "REJECTED", "RECEIVED", "REFUNDED", "COMPLETED", "CANCELLED"};
    private static final String[] RETURN_TYPES = {"REFUND", "REFUND", "EXCHANGE", "STORE_CREDIT"};
    private static final String[] REASONS = {"DAMAGED", "DEFECTIVE", "WRONG_ITEM", "NOT_AS_DESCRIBED", "CHANGED_MIND", "OTHER"};
    private static final String[] PROMOTIONS = {"SAVE10", "FIVEOFF", "FREESHIP", "TSHIRT20", "ÉTÉ2024"};

    private final SplittableRandom random;
    private final LocalDateTime epoch = LocalDateTime.of(2025, 1, 1, 0, 0);
    private final List<String> cartIds = new ArrayList<>();

    public LegacySampleData(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Writes the rows into order_db's tables over {@code connection} (search path at the legacy schema) and commits. */
    public Seeded seed(Connection connection, Counts counts) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            int[] carts = carts(connection, counts.carts());
            int[] checkouts = checkouts(connection, counts.checkouts());
            int[] returns = returns(connection, counts.returns());
            connection.commit();
            return new Seeded(carts[0], carts[1], carts[2], checkouts[0], checkouts[1], returns[0], returns[1], returns[2], returns[3],
                returns[4]);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private int[] carts(Connection connection, int count) throws SQLException {
        int items = 0;
        int promotions = 0;
        try (PreparedStatement cart = connection.prepareStatement("INSERT INTO carts (id, customer_id, status, currency_code, region_code, "
                + "version, merged_into_id, order_id, created_at, updated_at, last_activity_at, abandoned_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement item = connection.prepareStatement("INSERT INTO cart_items (cart_id, product_id, category_id, product_name, "
                 + "quantity, unit_price, currency_code, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement promotion = connection.prepareStatement(
                 "INSERT INTO cart_promotions (cart_id, promotion_code, applied_at) VALUES (?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                String id = uuid();
                String status = pick(CART_STATUSES);
                if (status.equals("MERGED") && cartIds.isEmpty()) {
                    status = "ACTIVE";
                }
                String currency = pick(CURRENCIES);
                LocalDateTime created = time();
                LocalDateTime updated = created.plus(random.nextLong(1, 10_000_000_000L), ChronoUnit.MICROS);
                int at = 1;
                cart.setString(at++, id);
                cart.setString(at++, random.nextInt(5) == 0 ? null : "cust-" + i);
                cart.setString(at++, random.nextInt(10) == 0 ? status.toLowerCase(Locale.ROOT) : status);
                cart.setString(at++, currency);
                cart.setString(at++, random.nextInt(3) == 0 ? null : "US-" + letter() + letter());
                cart.setInt(at++, random.nextInt(1, 50));
                cart.setString(at++, status.equals("MERGED") ? cartIds.get(random.nextInt(cartIds.size())) : null);
                cart.setString(at++, status.equals("CONVERTED") ? "ord-" + i : null);
                cart.setObject(at++, created);
                cart.setObject(at++, updated);
                cart.setObject(at++, random.nextInt(4) == 0 ? null : updated);
                cart.setObject(at, status.equals("ABANDONED") ? updated.plusDays(30) : null);
                cart.addBatch();
                cartIds.add(id);
                int lines = random.nextInt(0, 6);
                for (int l = 0; l < lines; l++) {
                    int p = 1;
                    item.setString(p++, id);
                    item.setString(p++, Integer.toString(100 + l * 37 + random.nextInt(30)));
                    item.setString(p++, random.nextInt(4) == 0 ? null : "c" + random.nextInt(1, 21));
                    item.setString(p++, random.nextInt(5) == 0 ? null : pick(NAMES));
                    item.setInt(p++, random.nextInt(1, 12));
                    item.setBigDecimal(p++, amount(currency, 100_000));
                    item.setString(p++, currency);
                    item.setObject(p, created.plusMinutes(l));
                    item.addBatch();
                    items++;
                }
                int codes = random.nextInt(0, 3);
                for (int c = 0; c < codes; c++) {
                    promotion.setString(1, id);
                    promotion.setString(2, PROMOTIONS[(i + c) % PROMOTIONS.length]);
                    promotion.setObject(3, created.plusMinutes(10 + c));
                    promotion.addBatch();
                    promotions++;
                }
            }
            cart.executeBatch();
            item.executeBatch();
            promotion.executeBatch();
        }
        return new int[] {count, items, promotions};
    }

    private int[] checkouts(Connection connection, int count) throws SQLException {
        int addresses = 0;
        try (PreparedStatement checkout = connection.prepareStatement("INSERT INTO checkouts (id, cart_id, customer_id, cart_version, "
                + "status, currency_code, subtotal, discount_total, shipping_cost, tax_total, grand_total, prices_include_tax, line_items, "
                + "shipping_method, reservation_id, reservation_expires, payment_method_id, payment_auth_id, order_id, failure_reason, "
                + "version, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement address = connection.prepareStatement("INSERT INTO checkout_addresses (checkout_id, address_type, "
                 + "full_name, address_line1, address_line2, city, state, zip_code, country, phone) "
                 + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                String id = uuid();
                String status = pick(CHECKOUT_STATUSES);
                String currency = pick(CURRENCIES);
                LocalDateTime created = time();
                BigDecimal subtotal = BigDecimal.ZERO.setScale(2);
                StringBuilder lines = new StringBuilder("[");
                int count2 = random.nextInt(0, 4);
                for (int l = 0; l < count2; l++) {
                    BigDecimal unit = amount(currency, 50_000);
                    int quantity = random.nextInt(1, 5);
                    BigDecimal line = unit.multiply(BigDecimal.valueOf(quantity));
                    subtotal = subtotal.add(line);
                    if (l > 0) {
                        lines.append(',');
                    }
                    lines.append("{\"product_id\": \"").append(200 + l).append("\", \"product_name\": ")
                        .append(random.nextInt(4) == 0 ? "null" : "\"" + pick(LINE_NAMES) + "\"")
                        .append(", \"quantity\": ").append(quantity).append(", \"unit_price\": ").append(unit.toPlainString())
                        .append(", \"line_subtotal\": ").append(line.toPlainString()).append(", \"line_discount\": 0.00")
                        .append(", \"tax_amount\": ").append(amount(currency, 500).toPlainString())
                        .append(", \"line_total\": ").append(line.toPlainString()).append('}');
                }
                lines.append(']');
                boolean completed = status.equals("COMPLETED");
                int at = 1;
                checkout.setString(at++, id);
                checkout.setString(at++, cartIds.isEmpty() ? uuid() : cartIds.get(random.nextInt(cartIds.size())));
                checkout.setString(at++, random.nextInt(6) == 0 ? null : "cust-" + random.nextInt(10_000));
                checkout.setInt(at++, random.nextInt(1, 40));
                checkout.setString(at++, status);
                checkout.setString(at++, currency);
                checkout.setBigDecimal(at++, subtotal);
                checkout.setBigDecimal(at++, random.nextInt(3) == 0 ? null : amount(currency, 1_000));
                checkout.setBigDecimal(at++, amount(currency, 3_000));
                checkout.setBigDecimal(at++, amount(currency, 2_000));
                checkout.setBigDecimal(at++, subtotal.add(amount(currency, 5_000)));
                checkout.setBoolean(at++, random.nextInt(4) == 0);
                checkout.setString(at++, random.nextInt(8) == 0 ? null : lines.toString());
                checkout.setString(at++, random.nextInt(3) == 0 ? null : pick(new String[] {"standard", "express", "overnight"}));
                checkout.setString(at++, random.nextInt(3) == 0 ? null : "res-" + i);
                checkout.setObject(at++, random.nextInt(3) == 0 ? null : created.plusMinutes(15));
                checkout.setString(at++, random.nextInt(3) == 0 ? null : "pm-" + random.nextInt(100));
                checkout.setString(at++, completed ? "auth-" + i : null);
                checkout.setString(at++, completed ? "ord-c" + i : null);
                checkout.setString(at++, status.equals("FAILED") ? "payment declined: insufficient funds — «refusé»" : null);
                checkout.setInt(at++, random.nextInt(0, 9));
                checkout.setObject(at++, created);
                checkout.setObject(at, created.plusSeconds(random.nextInt(1, 3_600)));
                checkout.addBatch();
                for (String kind : random.nextBoolean() ? new String[] {"SHIPPING", "BILLING"} : new String[] {"SHIPPING"}) {
                    int a = 1;
                    address.setString(a++, id);
                    address.setString(a++, kind);
                    address.setString(a++, pick(PEOPLE));
                    address.setString(a++, random.nextInt(1, 999) + " Główna Street");
                    address.setString(a++, random.nextInt(3) == 0 ? "Apt. " + random.nextInt(1, 99) : null);
                    address.setString(a++, pick(CITIES));
                    address.setString(a++, random.nextInt(3) == 0 ? null : "ST");
                    address.setString(a++, random.nextInt(5) == 0 ? null : String.format("%05d", random.nextInt(100_000)));
                    address.setString(a++, pick(COUNTRIES));
                    address.setString(a, random.nextInt(2) == 0 ? null : "+48 " + random.nextInt(100_000_000, 999_999_999));
                    address.addBatch();
                    addresses++;
                }
            }
            checkout.executeBatch();
            address.executeBatch();
        }
        return new int[] {count, addresses};
    }

    private int[] returns(Connection connection, int count) throws SQLException {
        int items = 0;
        int history = 0;
        int refunds = 0;
        int labels = 0;
        try (PreparedStatement request = connection.prepareStatement("INSERT INTO return_requests (id, order_id, customer_id, status, "
                + "return_type, rejection_reason, customer_note, currency_code, refund_estimate, version, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement item = connection.prepareStatement("INSERT INTO return_items (return_request_id, order_item_id, product_id, "
                 + "category_id, quantity, reason, reason_note, exchange_product_id, quantity_received, item_condition, inspection_passed, "
                 + "refund_amount, restocking_fee) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement step = connection.prepareStatement("INSERT INTO return_status_history (return_request_id, from_status, "
                 + "to_status, changed_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)");
             PreparedStatement refund = connection.prepareStatement("INSERT INTO return_refunds (id, return_request_id, order_id, "
                 + "refund_type, status, amount, shipping_refund, currency_code, idempotency_key, payment_refund_id, exchange_order_id, "
                 + "attempts, last_error, created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement label = connection.prepareStatement("INSERT INTO return_shipping (return_request_id, carrier, "
                 + "tracking_number, label_url, created_at) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                String id = uuid();
                String status = pick(RETURN_STATUSES);
                String type = pick(RETURN_TYPES);
                String currency = pick(CURRENCIES);
                LocalDateTime created = time();
                int at = 1;
                request.setString(at++, id);
                request.setString(at++, "ord-" + random.nextInt(100_000));
                request.setString(at++, "cust-" + random.nextInt(10_000));
                request.setString(at++, status);
                request.setString(at++, type);
                request.setString(at++, status.equals("REJECTED") ? "outside the return window — 31 días" : null);
                request.setString(at++, random.nextInt(3) == 0 ? null : "Größe passt nicht / doesn't fit");
                request.setString(at++, currency);
                request.setBigDecimal(at++, random.nextInt(4) == 0 ? null : amount(currency, 20_000));
                request.setInt(at++, random.nextInt(1, 6));
                request.setObject(at++, created);
                request.setObject(at, created.plusHours(random.nextInt(1, 200)));
                request.addBatch();
                int lines = random.nextInt(1, 4);
                for (int l = 0; l < lines; l++) {
                    int quantity = random.nextInt(1, 4);
                    int p = 1;
                    item.setString(p++, id);
                    item.setString(p++, Integer.toString(l + 1));
                    item.setString(p++, Integer.toString(300 + l));
                    item.setString(p++, random.nextInt(3) == 0 ? null : "c" + random.nextInt(1, 21));
                    item.setInt(p++, quantity);
                    item.setString(p++, pick(REASONS));
                    item.setString(p++, random.nextInt(2) == 0 ? null : "arrived 💥 broken");
                    item.setString(p++, type.equals("EXCHANGE") ? Integer.toString(400 + l) : null);
                    item.setInt(p++, random.nextInt(0, quantity + 1));
                    item.setString(p++, random.nextInt(2) == 0 ? null : "opened");
                    item.setObject(p++, random.nextInt(3) == 0 ? null : random.nextBoolean());
                    item.setBigDecimal(p++, random.nextInt(2) == 0 ? null : amount(currency, 10_000));
                    item.setBigDecimal(p, random.nextInt(3) == 0 ? amount(currency, 500) : null);
                    item.addBatch();
                    items++;
                }
                String[] path = {"PENDING", "APPROVED", "RECEIVED", "REFUNDED"};
                int steps = random.nextInt(1, 4);
                for (int s = 0; s < steps; s++) {
                    int p = 1;
                    step.setString(p++, id);
                    step.setString(p++, s == 0 ? null : path[s - 1]);
                    step.setString(p++, path[s]);
                    step.setString(p++, random.nextInt(3) == 0 ? null : (s == 0 ? "customer" : "staff-" + random.nextInt(9)));
                    step.setString(p++, random.nextInt(2) == 0 ? null : "ok ✓");
                    step.setObject(p, created.plusHours(s));
                    step.addBatch();
                    history++;
                }
                if (random.nextInt(2) == 0) {
                    boolean done = random.nextBoolean();
                    int p = 1;
                    refund.setString(p++, uuid());
                    refund.setString(p++, id);
                    refund.setString(p++, "ord-" + i);
                    refund.setString(p++, type);
                    refund.setString(p++, done ? "COMPLETED" : "PENDING");
                    refund.setBigDecimal(p++, amount(currency, 20_000));
                    refund.setBigDecimal(p++, random.nextInt(2) == 0 ? null : amount(currency, 999));
                    refund.setString(p++, currency);
                    refund.setString(p++, id + ":refund");
                    refund.setString(p++, done ? "pr-" + i : null);
                    refund.setString(p++, type.equals("EXCHANGE") ? "ord-x" + i : null);
                    refund.setInt(p++, random.nextInt(0, 3));
                    refund.setString(p++, random.nextInt(4) == 0 ? "gateway timeout" : null);
                    refund.setObject(p++, created.plusHours(5));
                    refund.setObject(p, done ? created.plusHours(6) : null);
                    refund.addBatch();
                    refunds++;
                }
                if (random.nextInt(3) > 0) {
                    label.setString(1, id);
                    label.setString(2, "SIMPOST");
                    label.setString(3, "SP" + random.nextInt(100_000_000));
                    label.setString(4, random.nextInt(3) == 0 ? null : "https://labels.example/" + i);
                    label.setObject(5, created.plusHours(1));
                    label.addBatch();
                    labels++;
                }
            }
            request.executeBatch();
            item.executeBatch();
            step.executeBatch();
            refund.executeBatch();
            label.executeBatch();
        }
        return new int[] {count, items, history, refunds, labels};
    }

    private char letter() {
        return (char) ('A' + random.nextInt(26));
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private LocalDateTime time() {
        return epoch.plus(random.nextLong(0, 400L * 24 * 3600 * 1_000_000), ChronoUnit.MICROS);
    }

    /** An amount up to {@code maxMajor} with cents (whole units for JPY, which has none). */
    private BigDecimal amount(String currency, long maxMajor) {
        long major = random.nextLong(0, maxMajor);
        long cents = LegacyAmounts.digits(currency) == 0 ? 0 : random.nextLong(0, 100);
        return BigDecimal.valueOf(major * 100 + cents, 2);
    }
}
