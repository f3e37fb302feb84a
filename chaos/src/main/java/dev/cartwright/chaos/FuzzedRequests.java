package dev.cartwright.chaos;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.cartwright.proto.checkout.v1.CartProto;
import dev.cartwright.proto.checkout.v1.CheckoutProto;
import dev.cartwright.proto.returns.v1.ReturnProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;

/**
 * jqwik generators of bad input for every RPC of the Checkout Service (or of the Return Service), built from the
 * proto descriptors: for each method a request over gRPC (a message with random and missing fields, out-of-range and
 * overflowing numbers, unknown enum values, huge strings, and wire bytes no encoder would write: invalid UTF-8,
 * truncation, deep group nesting, noise) or over HTTP/JSON (the method's google.api.http route with odd path values,
 * bodies with wrong types, unknown fields, deep nesting, invalid UTF-8, multi-megabyte bodies).
 */
public final class FuzzedRequests {

    /** One RPC as both transports reach it. */
    public record Rpc(String grpcPath, Descriptor input, String httpMethod, String httpPath) {
        public String name() {
            return grpcPath.substring(grpcPath.lastIndexOf('/') + 1);
        }
    }

    /** One request to send: over gRPC (a message body) or HTTP/JSON (method, path, body). */
    public record Request(Rpc rpc, boolean grpc, String httpMethod, String path, byte[] body, String shape) {
        /** A gRPC request whose bytes are a valid message of the method's input type (however odd its values). */
        public boolean wellFormedGrpc() {
            return grpc && shape.equals(RANDOM_FIELDS);
        }

        /** How to send it again by hand. */
        public String reproduction() {
            String head = new String(body, 0, Math.min(body.length, 160), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", "?");
            return (grpc ? "gRPC " + path : "HTTP " + httpMethod + " " + path) + " (" + shape + ", " + body.length + " bytes): " + head;
        }
    }

    private static final String RANDOM_FIELDS = "random fields";
    private static final int HUGE = 3 * 1024 * 1024;
    /** Field 1, length-delimited, with a length of 4 GiB and nothing after it. */
    private static final byte[] FOUR_GIB_FIELD = {(byte) ((1 << 3) | 2), (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x0f};

    private final List<Rpc> rpcs;
    private final List<String> knownIds;

    /** @param knownIds real cart and checkout ids, mixed into the generated ids so that refusals meet real state */
    public FuzzedRequests(List<String> knownIds) {
        this(knownIds, CartProto.getDescriptor().findServiceByName("CartService"),
            CheckoutProto.getDescriptor().findServiceByName("CheckoutService"));
    }

    private FuzzedRequests(List<String> knownIds, ServiceDescriptor... services) {
        this.knownIds = List.copyOf(knownIds);
        this.rpcs = rpcsOf(services);
    }

    /** Requests to every RPC of the Return Service; {@code knownIds} are real return, order and customer ids. */
    public static FuzzedRequests returns(List<String> knownIds) {
        return new FuzzedRequests(knownIds, ReturnProto.getDescriptor().findServiceByName("ReturnService"));
    }

    public List<Rpc> rpcs() {
        return rpcs;
    }

    private static List<Rpc> rpcsOf(ServiceDescriptor... services) {
        List<Rpc> out = new ArrayList<>();
        for (ServiceDescriptor service : services) {
            for (MethodDescriptor method : service.getMethods()) {
                HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
                String[] route = switch (rule.getPatternCase()) {
                    case GET -> new String[] {"GET", rule.getGet()};
                    case POST -> new String[] {"POST", rule.getPost()};
                    case PUT -> new String[] {"PUT", rule.getPut()};
                    case DELETE -> new String[] {"DELETE", rule.getDelete()};
                    case PATCH -> new String[] {"PATCH", rule.getPatch()};
                    default -> new String[] {null, null};
                };
                String verb = route[0];
                String path = route[1];
                out.add(new Rpc("/" + service.getFullName() + "/" + method.getName(), method.getInputType(), verb, path));
            }
        }
        return List.copyOf(out);
    }

    /** Any request to any RPC over either transport. */
    public Arbitrary<Request> requests() {
        Arbitrary<Rpc> rpc = Arbitraries.of(rpcs);
        return rpc.flatMap(r -> Arbitraries.oneOf(grpc(r), http(r)));
    }

    /** One option of {@link #weighted} and how often it is drawn relative to the others. */
    private record W<T>(int weight, Arbitrary<? extends T> arbitrary) {
    }

    @SafeVarargs
    private static <T> Arbitrary<T> weighted(W<T>... options) {
        List<Arbitrary<? extends T>> all = new ArrayList<>();
        for (W<T> option : options) {
            for (int i = 0; i < option.weight(); i++) {
                all.add(option.arbitrary());
            }
        }
        return Arbitraries.oneOf(all);
    }

    // --- values --------------------------------------------------------------------------------------------

    private Arbitrary<String> strings() {
        return weighted(
            new W<>(4, Arbitraries.of(knownIds.isEmpty() ? List.of("x") : knownIds)),
            new W<>(3, Arbitraries.of("", " ", "0", "-1", "456", "USD", "usd", "US-CA", "SAVE10", "../../etc/passwd",
                "%00", "' OR 1=1 --", "{cart:x}", "\u0000", "a\u0000b", "\u0007\u001b[31m", "\ud83d\uded2", "\u202e", "\ufeff")),
            new W<>(4, Arbitraries.strings().ofMinLength(0).ofMaxLength(40)),
            new W<>(2, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(200)),
            new W<>(1, Arbitraries.integers().between(1_000, 70_000).map("x"::repeat)),
            new W<>(1, Arbitraries.of(HUGE / 8, HUGE).map("y"::repeat)));
    }

    private static Arbitrary<Long> longs() {
        return Arbitraries.oneOf(Arbitraries.of(Long.MIN_VALUE, -1L, 0L, 1L, 2L, 999L, 1000L, 1_000_000L, Integer.MAX_VALUE + 1L,
            Long.MAX_VALUE), Arbitraries.longs());
    }

    private static Arbitrary<Integer> ints() {
        return Arbitraries.oneOf(Arbitraries.of(Integer.MIN_VALUE, -1, 0, 1, 2, 3, 999, 1000, 1_000_000, Integer.MAX_VALUE),
            Arbitraries.integers());
    }

    /**
     * A value for one field (a list of values when repeated), or null to leave it out. A long list (500 to 2000) holds
     * small values only ({@code small}: short strings, short lists), or one request could run to gigabytes.
     */
    private Arbitrary<Object> fieldValue(FieldDescriptor field, int depth, boolean small) {
        Arbitrary<Object> one = single(field, depth, small);
        if (field.isRepeated()) {
            Arbitrary<Object> few = one.list().ofMaxSize(4).map(l -> (Object) l);
            return small ? few : Arbitraries.oneOf(few, single(field, depth, true).list().ofMinSize(500).ofMaxSize(2000)
                .map(l -> (Object) l).withoutEdgeCases().injectNull(0.0));
        }
        return one.injectNull(0.3);
    }

    @SuppressWarnings("unchecked")
    private Arbitrary<Object> single(FieldDescriptor field, int depth, boolean small) {
        return (Arbitrary<Object>) switch (field.getJavaType()) {
            case STRING -> small ? Arbitraries.oneOf(Arbitraries.of(knownIds.isEmpty() ? List.of("x") : knownIds),
                Arbitraries.strings().ofMaxLength(40)) : strings();
            case INT -> ints();
            case LONG -> longs();
            case BOOLEAN -> Arbitraries.of(true, false);
            case DOUBLE -> Arbitraries.of(Double.NaN, -1.0, 0.0, 1e308, Double.POSITIVE_INFINITY);
            case FLOAT -> Arbitraries.of(Float.NaN, -1.0f, 0.0f, Float.MAX_VALUE);
            case BYTE_STRING -> Arbitraries.bytes().array(byte[].class).ofMaxSize(64)
                .map(com.google.protobuf.ByteString::copyFrom);
            case ENUM -> Arbitraries.integers().between(-2, 12).map(n -> field.getEnumType().findValueByNumber(n) != null
                ? field.getEnumType().findValueByNumber(n) : field.getEnumType().findValueByNumberCreatingIfUnknown(n));
            case MESSAGE -> depth > 3 ? Arbitraries.just(DynamicMessage.getDefaultInstance(field.getMessageType()))
                : message(field.getMessageType(), depth + 1, small);
        };
    }

    /** A message of {@code type} with each field set at random or left out. */
    public Arbitrary<DynamicMessage> message(Descriptor type, int depth) {
        return message(type, depth, false);
    }

    private Arbitrary<DynamicMessage> message(Descriptor type, int depth, boolean small) {
        List<FieldDescriptor> fields = type.getFields();
        List<Arbitrary<Object>> values = new ArrayList<>();
        for (FieldDescriptor field : fields) {
            values.add(fieldValue(field, depth, small));
        }
        if (values.isEmpty()) {
            return Arbitraries.just(DynamicMessage.getDefaultInstance(type));
        }
        return Combinators.combine(values).as(chosen -> {
            DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
            for (int i = 0; i < fields.size(); i++) {
                Object value = chosen.get(i);
                if (value == null) {
                    continue;
                }
                FieldDescriptor field = fields.get(i);
                if (field.getContainingOneof() != null && builder.hasOneof(field.getContainingOneof())) {
                    continue;
                }
                if (field.isRepeated()) {
                    for (Object item : (List<?>) value) {
                        builder.addRepeatedField(field, item);
                    }
                } else {
                    builder.setField(field, value);
                }
            }
            return builder.build();
        });
    }

    // --- gRPC ----------------------------------------------------------------------------------------------

    private Arbitrary<Request> grpc(Rpc rpc) {
        Arbitrary<byte[]> valid = message(rpc.input(), 0).map(DynamicMessage::toByteArray);
        List<FieldDescriptor> strings = rpc.input().getFields().stream()
            .filter(f -> f.getType() == FieldDescriptor.Type.STRING).toList();
        Arbitrary<Request> asIs = valid.map(b -> new Request(rpc, true, "POST", rpc.grpcPath(), b, RANDOM_FIELDS));
        Arbitrary<Request> badUtf8 = strings.isEmpty() ? asIs : Combinators.combine(valid, Arbitraries.of(strings))
            .as((b, f) -> new Request(rpc, true, "POST", rpc.grpcPath(), concat(b, invalidUtf8Field(f.getNumber())),
                "invalid UTF-8 in " + f.getName()));
        Arbitrary<Request> truncated = Combinators.combine(valid, Arbitraries.integers().between(1, 64))
            .as((b, cut) -> new Request(rpc, true, "POST", rpc.grpcPath(), java.util.Arrays.copyOf(b, Math.max(0, b.length - cut)),
                "truncated"))
            .filter(r -> r.body().length > 0);
        Arbitrary<Request> deep = Arbitraries.integers().between(100, 5000)
            .map(depth -> new Request(rpc, true, "POST", rpc.grpcPath(), nestedGroups(depth), "groups nested " + depth + " deep"));
        Arbitrary<Request> noise = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300)
            .map(b -> new Request(rpc, true, "POST", rpc.grpcPath(), b, "random bytes"));
        Arbitrary<Request> overflowLength = valid.map(b -> new Request(rpc, true, "POST", rpc.grpcPath(), concat(b, FOUR_GIB_FIELD),
            "length-delimited field claiming 4 GiB"));
        return weighted(
            new W<>(6, asIs),
            new W<>(2, badUtf8),
            new W<>(1, truncated),
            new W<>(1, deep),
            new W<>(1, noise),
            new W<>(1, overflowLength));
    }

    private static byte[] invalidUtf8Field(int number) {
        byte[] bad = {(byte) 0xc3, (byte) 0x28, (byte) 0xff, (byte) 0xfe, (byte) 0xed, (byte) 0xa0, (byte) 0x80};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeTag(number, 2);
            coded.writeUInt32NoTag(bad.length);
            coded.writeRawBytes(bad);
            coded.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Start-group tags of an unknown field, {@code depth} deep, then their end-group tags. */
    private static byte[] nestedGroups(int depth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            for (int i = 0; i < depth; i++) {
                coded.writeTag(1999, 3);
            }
            for (int i = 0; i < depth; i++) {
                coded.writeTag(1999, 4);
            }
            coded.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // --- HTTP/JSON -----------------------------------------------------------------------------------------

    private Arbitrary<Request> http(Rpc rpc) {
        if (rpc.httpPath() == null) {
            return grpc(rpc);
        }
        Arbitrary<String> path = pathOf(rpc.httpPath());
        Arbitrary<byte[]> body = weighted(
            new W<>(6, message(rpc.input(), 0).map(FuzzedRequests::json)),
            new W<>(2, jsonWrongTypes(rpc.input())),
            new W<>(1, Arbitraries.integers().between(100, 20_000).map(FuzzedRequests::deepJson)),
            new W<>(1, Arbitraries.of("{\"cartId\":\"\u00ff\u00fe\"}").map(s -> s.getBytes(StandardCharsets.ISO_8859_1))),
            new W<>(1, Arbitraries.of("", "null", "[]", "{", "{\"a\":", "\"x\"", "1e999", "{\"quantity\":1e400}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8))),
            new W<>(1, Arbitraries.of(HUGE, 2 * HUGE)
                .map(n -> ("{\"customerId\":\"" + "z".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8))));
        return Combinators.combine(path, body).as((p, b) -> new Request(rpc, false, rpc.httpMethod(), p, b, "JSON"));
    }

    private Arbitrary<String> pathOf(String template) {
        List<String> parts = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{[^}]+}").matcher(template);
        int from = 0;
        int holes = 0;
        StringBuilder fixed = new StringBuilder();
        while (m.find()) {
            parts.add(template.substring(from, m.start()));
            from = m.end();
            holes++;
        }
        parts.add(template.substring(from));
        fixed.append(parts.get(0));
        if (holes == 0) {
            return Arbitraries.just(template);
        }
        Arbitrary<String> segment = Arbitraries.oneOf(strings().filter(s -> s.length() < 20_000).map(FuzzedRequests::percentEncode),
            Arbitraries.of("%00", "%FF%FE", "%C3%28", "..", "%2F", "a%0Ab", "%E2%80%AE"));
        int count = holes;
        return segment.list().ofSize(count).map(values -> {
            StringBuilder out = new StringBuilder(parts.get(0));
            for (int i = 0; i < count; i++) {
                out.append(values.get(i)).append(parts.get(i + 1));
            }
            return out.toString();
        });
    }

    private static String percentEncode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] json(DynamicMessage message) {
        try {
            return com.google.protobuf.util.JsonFormat.printer().print(message).getBytes(StandardCharsets.UTF_8);
        } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
    }

    private Arbitrary<byte[]> jsonWrongTypes(Descriptor type) {
        List<String> names = type.getFields().stream().map(FieldDescriptor::getJsonName).toList();
        Arbitrary<String> value = Arbitraries.of("\"abc\"", "-1", "1.5", "true", "null", "[]", "{}", "[1,2]", "9223372036854775808",
            "-9223372036854775809", "\"-9223372036854775808\"", "2147483648", "1e5", "\"\\u0000\"", "\"\\ud800\"");
        return Combinators.combine(Arbitraries.of(names.isEmpty() ? List.of("x") : names).list().ofMinSize(1).ofMaxSize(4),
            value.list().ofSize(4), Arbitraries.of(true, false)).as((keys, values, unknown) -> {
                StringBuilder out = new StringBuilder("{");
                for (int i = 0; i < keys.size(); i++) {
                    out.append(i == 0 ? "" : ",").append('"').append(keys.get(i)).append("\":").append(values.get(i));
                }
                if (unknown) {
                    out.append(keys.isEmpty() ? "" : ",").append("\"notAField\":1");
                }
                return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
            });
    }

    private static byte[] deepJson(int depth) {
        return ("{\"cartId\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * For every RPC, gRPC requests whose bytes no decoder accepts whatever its luck: a string field holding invalid
     * UTF-8, a length-delimited field claiming 4 GiB, and groups nested past protobuf's recursion limit. Each must be
     * answered INVALID_ARGUMENT, not reset and not INTERNAL.
     */
    public List<Request> undecodable() {
        List<Request> out = new ArrayList<>();
        for (Rpc rpc : rpcs) {
            rpc.input().getFields().stream().filter(f -> f.getType() == FieldDescriptor.Type.STRING).findFirst()
                .ifPresent(f -> out.add(new Request(rpc, true, "POST", rpc.grpcPath(), invalidUtf8Field(f.getNumber()),
                    "invalid UTF-8 in " + f.getName())));
            out.add(new Request(rpc, true, "POST", rpc.grpcPath(), FOUR_GIB_FIELD, "length-delimited field claiming 4 GiB"));
            out.add(new Request(rpc, true, "POST", rpc.grpcPath(), nestedGroups(1000), "groups nested 1000 deep"));
        }
        return out;
    }

    /** Draws {@code count} requests with a fixed seed, so a run can be repeated exactly. */
    public List<Request> draw(int count, long seed) {
        List<Request> out = new ArrayList<>(count);
        net.jqwik.api.sessions.JqwikSession.start();
        try {
            RandomGenerator<Request> generator = requests().generator(1000);
            Random random = new Random(seed);
            for (int i = 0; i < count; i++) {
                out.add(generator.next(random).value());
            }
        } finally {
            net.jqwik.api.sessions.JqwikSession.finish();
        }
        return out;
    }
}
