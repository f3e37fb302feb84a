package dev.cartwright.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.ApplyPromotionRequest;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.ConfirmCheckoutRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.GetCheckoutRequest;
import dev.cartwright.proto.checkout.v1.MergeCartsRequest;
import dev.cartwright.proto.checkout.v1.PreviewOrderRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.RemovePromotionRequest;
import dev.cartwright.proto.checkout.v1.SelectShippingMethodRequest;
import dev.cartwright.proto.checkout.v1.StartCheckoutRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import dev.cartwright.service.grpc.JsonCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every CartService request, and every CheckoutService request of strings and integers, read without JsonFormat is the
 * message JsonFormat's parser builds from the same JSON: for either name of a field, strings with escapes and
 * non-ASCII, integers as numbers and as strings (leading zeros, signs, the edges of int32 and int64), optional fields
 * present or not, and the cases it must leave to JsonFormat, which then gives its own answer or error: unknown fields,
 * null, fractions, exponents, booleans, objects, a field given twice, out-of-range numbers, text after the object, JSON
 * that does not parse.
 */
class CartRequestJsonProperties {

    private static final List<Descriptors.Descriptor> TYPES = List.of(CreateCartRequest.getDescriptor(), GetCartRequest.getDescriptor(),
        AddItemRequest.getDescriptor(), UpdateItemRequest.getDescriptor(), RemoveItemRequest.getDescriptor(),
        ClearCartRequest.getDescriptor(), MergeCartsRequest.getDescriptor(), ApplyPromotionRequest.getDescriptor(),
        RemovePromotionRequest.getDescriptor(), StartCheckoutRequest.getDescriptor(), GetCheckoutRequest.getDescriptor(),
        SelectShippingMethodRequest.getDescriptor(), PreviewOrderRequest.getDescriptor(), ConfirmCheckoutRequest.getDescriptor());
    private static final Map<String, JsonCodec<?>> CODECS = new HashMap<>();

    static {
        for (JsonCodec<?> codec : CartRequestJson.all()) {
            CODECS.put(codec.typeName(), codec);
        }
        for (JsonCodec<?> codec : CheckoutJson.all()) {
            CODECS.put(codec.typeName(), codec);
        }
    }

    /** One JSON text for a request type: {@code type index | json}. */
    record Input(Descriptors.Descriptor type, String json) {
    }

    @Provide
    Arbitrary<String> stringValue() {
        return Arbitraries.oneOf(
            Arbitraries.strings().withChars("abcXYZ019-_.:").ofMaxLength(10).map(s -> '"' + s + '"'),
            Arbitraries.of("\"\"", "\"a\\\"b\"", "\"\\u00e9\\n\\t\"", "\"\u00e9\u20ac\ud83d\ude00\"", "\"\\ud800\"", "\"a\\/b\"",
                "\"<&>='\"", "\"bad\\x\"", "\"raw\ttab\""),
            Arbitraries.of("5", "-1", "1.5", "true", "false", "null", "{}", "[]", "[\"a\"]"));
    }

    @Provide
    Arbitrary<String> integerValue() {
        return Arbitraries.oneOf(
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.integers().between(-5, 200).map(i -> '"' + String.valueOf(i) + '"'),
            Arbitraries.of("0", "-0", "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807",
                "9223372036854775808", "-9223372036854775808", "\"007\"", "\"+5\"", "\" 5\"", "\"\"", "\"-\"", "\"9223372036854775807\"",
                "\"123456789012345678\"", "1.0", "1.5", "1e2", "-1E1", "01", "true", "null", "{}", "[]", "\"abc\"", "\"1.0\""));
    }

    @Provide
    Arbitrary<Input> inputs() {
        Arbitrary<Descriptors.Descriptor> type = Arbitraries.of(TYPES);
        return type.flatMap(t -> {
            List<Arbitrary<String>> members = new ArrayList<>();
            for (Descriptors.FieldDescriptor field : t.getFields()) {
                Arbitrary<String> name = Arbitraries.of(field.getName(), field.getJsonName());
                Arbitrary<String> value = field.getType() == Descriptors.FieldDescriptor.Type.STRING ? stringValue() : integerValue();
                Arbitrary<String> member = Combinators.combine(name, value).as((n, v) -> "\"" + n + "\":" + v);
                members.add(Arbitraries.oneOf(member, member, Arbitraries.just("")));
            }
            Arbitrary<String> extra = Arbitraries.of("", "", "", "\"unknown\":1", "\"cartId\":\"x\"", "\"cart_id\":\"y\"",
                "\"expectedVersion\":\"3\"");
            Arbitrary<String> tail = Arbitraries.of("", "", "", " ", "\n", " x", "{}", "]");
            Arbitrary<String> head = Arbitraries.of("", "", "", " ", "[", "\"");
            return Combinators.combine(Combinators.combine(members).as(list -> list), extra, head, tail).as((list, more, before, after) -> {
                List<String> present = new ArrayList<>();
                for (String m : list) {
                    if (!m.isEmpty()) {
                        present.add(m);
                    }
                }
                if (!more.isEmpty()) {
                    present.add(more);
                }
                return new Input(t, before + "{" + String.join(",", present) + "}" + after);
            });
        });
    }

    @Property(tries = 5000)
    void whatIsReadIsWhatJsonFormatParses(@ForAll("inputs") Input input) {
        Object direct = CODECS.get(input.type().getFullName()).parse(Buffer.buffer(input.json()));

        if (direct != null) {
            Message byJsonFormat = jsonFormat(input);
            assertThat(byJsonFormat).as("JsonFormat refused what was read directly: " + input.json()).isNotNull();
            assertThat(direct).as(input.json()).isEqualTo(byJsonFormat);
        }
    }

    @Example
    void theRequestsTheTranscoderHandsOnAreReadDirectly() {
        // As the transcoder merges them: path variables first, then the body, encoded by Vert.x.
        String add = new JsonObject().put("cart_id", "k2v7c3mqa4t6x1zr8pbn0sdf5e").put("product_id", "456").put("quantity", 2)
            .put("expectedVersion", "3").put("idempotency_key", "k-1").encode();
        String update = new JsonObject().put("cart_id", "c1").put("product_id", "456").put("quantity", 0).encode();
        String remove = new JsonObject().put("cart_id", "c1").put("product_id", "456").encode();
        String create = new JsonObject().put("customerId", "456").put("currencyCode", "USD").encode();

        assertThat(CODECS.get("checkout.v1.AddItemRequest").parse(Buffer.buffer(add))).isEqualTo(AddItemRequest.newBuilder()
            .setCartId("k2v7c3mqa4t6x1zr8pbn0sdf5e").setProductId("456").setQuantity(2).setExpectedVersion(3).setIdempotencyKey("k-1")
            .build());
        assertThat(CODECS.get("checkout.v1.UpdateItemRequest").parse(Buffer.buffer(update))).isEqualTo(UpdateItemRequest.newBuilder()
            .setCartId("c1").setProductId("456").build());
        assertThat(CODECS.get("checkout.v1.RemoveItemRequest").parse(Buffer.buffer(remove))).isEqualTo(RemoveItemRequest.newBuilder()
            .setCartId("c1").setProductId("456").build());
        assertThat(CODECS.get("checkout.v1.CreateCartRequest").parse(Buffer.buffer(create))).isEqualTo(CreateCartRequest.newBuilder()
            .setCustomerId("456").setCurrencyCode("USD").build());
        assertThat(CODECS.get("checkout.v1.GetCartRequest").parse(Buffer.buffer("{\"cart_id\":\"c1\",\"unknown\":1}")))
            .as("an unknown field is JsonFormat's to refuse").isNull();

        String confirm = new JsonObject().put("checkout_id", "ck-1").put("paymentMethodId", "pm-visa").put("expected_version", 4)
            .put("idempotencyKey", "k-2").encode();
        assertThat(CODECS.get("checkout.v1.ConfirmCheckoutRequest").parse(Buffer.buffer(confirm))).isEqualTo(ConfirmCheckoutRequest
            .newBuilder().setCheckoutId("ck-1").setPaymentMethodId("pm-visa").setExpectedVersion(4).setIdempotencyKey("k-2").build());
        assertThat(CODECS.get("checkout.v1.StartCheckoutRequest").parse(Buffer.buffer("{\"cartId\":\"c1\"}")))
            .isEqualTo(StartCheckoutRequest.newBuilder().setCartId("c1").build());
        assertThat(CODECS.get("checkout.v1.PreviewOrderRequest").parse(Buffer.buffer("{\"checkout_id\":\"ck-1\"}")))
            .isEqualTo(PreviewOrderRequest.newBuilder().setCheckoutId("ck-1").build());
    }

    /** What the generated decoder builds: JsonFormat's default parser into the type's own builder; null if it refuses. */
    private static Message jsonFormat(Input input) {
        try {
            Message.Builder builder = (Message.Builder) Class.forName("dev.cartwright.proto.checkout.v1." + input.type().getName())
                .getMethod("newBuilder").invoke(null);
            JsonFormat.parser().merge(input.json(), builder);
            return builder.build();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return null;
        }
    }
}
