package dev.cartwright.checkout.api;

import com.google.protobuf.Descriptors;
import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.ApplyPromotionRequest;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.MergeCartsRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.RemovePromotionRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import dev.cartwright.service.grpc.JsonCodec;
import dev.cartwright.service.grpc.JsonCodecs;
import dev.cartwright.service.grpc.ScalarFieldsJson;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads the JSON of every CartService request (the transcoder's merge of path, query and body) into its message without
 * JsonFormat's reflection: each request is all strings and integers, read by {@link ScalarFieldsJson} and set through
 * the generated setters, field by field in declaration order. What the reader is not sure of goes to JsonFormat.
 * CartRequestJsonProperties holds each to JsonFormat's message.
 */
final class CartRequestJson {

    private CartRequestJson() {
    }

    /** Every codec of the service port: the cart's (its reply's printer and a reader for each request) and the checkout's. */
    static JsonCodecs codecs() {
        return JsonCodecs.of(Stream.concat(Arrays.stream(all()), Arrays.stream(CheckoutJson.all())).toArray(JsonCodec<?>[]::new));
    }

    static JsonCodec<?>[] all() {
        return new JsonCodec<?>[] {CartJson.codec(),
            reader(CreateCartRequest.getDescriptor(), v -> {
                CreateCartRequest.Builder b = CreateCartRequest.newBuilder();
                set(v, 0, b::setCustomerId);
                set(v, 1, b::setCurrencyCode);
                set(v, 2, b::setRegion);
                set(v, 3, b::setIdempotencyKey);
                return b.build();
            }),
            reader(GetCartRequest.getDescriptor(), v -> {
                GetCartRequest.Builder b = GetCartRequest.newBuilder();
                set(v, 0, b::setCartId);
                return b.build();
            }),
            reader(AddItemRequest.getDescriptor(), v -> {
                AddItemRequest.Builder b = AddItemRequest.newBuilder();
                set(v, 0, b::setCartId);
                set(v, 1, b::setProductId);
                set(v, 2, b::setQuantity);
                set(v, 3, b::setExpectedVersion);
                set(v, 4, b::setIdempotencyKey);
                return b.build();
            }),
            reader(UpdateItemRequest.getDescriptor(), v -> {
                UpdateItemRequest.Builder b = UpdateItemRequest.newBuilder();
                set(v, 0, b::setCartId);
                set(v, 1, b::setProductId);
                set(v, 2, b::setQuantity);
                set(v, 3, b::setExpectedVersion);
                set(v, 4, b::setIdempotencyKey);
                return b.build();
            }),
            reader(RemoveItemRequest.getDescriptor(), v -> {
                RemoveItemRequest.Builder b = RemoveItemRequest.newBuilder();
                set(v, 0, b::setCartId);
                set(v, 1, b::setProductId);
                set(v, 2, b::setExpectedVersion);
                set(v, 3, b::setIdempotencyKey);
                return b.build();
            }),
            reader(ClearCartRequest.getDescriptor(), v -> {
                ClearCartRequest.Builder b = ClearCartRequest.newBuilder();
                set(v, 0, b::setCartId);
                set(v, 1, b::setExpectedVersion);
                set(v, 2, b::setIdempotencyKey);
                return b.build();
            }),
            reader(MergeCartsRequest.getDescriptor(), v -> {
                MergeCartsRequest.Builder b = MergeCartsRequest.newBuilder();
                set(v, 0, b::setSourceCartId);
                set(v, 1, b::setCustomerId);
                set(v, 2, b::setIdempotencyKey);
                return b.build();
            }),
            reader(ApplyPromotionRequest.getDescriptor(), v -> {
                ApplyPromotionRequest.Builder b = ApplyPromotionRequest.newBuilder();
                set(v, 0, b::setCartId);
                set(v, 1, b::setCode);
                set(v, 2, b::setExpectedVersion);
                set(v, 3, b::setIdempotencyKey);
                return b.build();
            }),
            reader(RemovePromotionRequest.getDescriptor(), v -> {
                RemovePromotionRequest.Builder b = RemovePromotionRequest.newBuilder();
                set(v, 0, b::setCartId);
                set(v, 1, b::setCode);
                set(v, 2, b::setExpectedVersion);
                set(v, 3, b::setIdempotencyKey);
                return b.build();
            })};
    }

    /** Sets a value the reader found; a field absent from the JSON is left unset. */
    @SuppressWarnings("unchecked")
    static <V> void set(Object[] values, int position, Consumer<V> setter) {
        if (values[position] != null) {
            setter.accept((V) values[position]);
        }
    }

    /** A codec that reads {@code type} with {@link ScalarFieldsJson} and builds it from the values with {@code build}. */
    static <T> JsonCodec<T> reader(Descriptors.Descriptor type, Function<Object[], T> build) {
        ScalarFieldsJson fields = ScalarFieldsJson.of(type);
        String name = type.getFullName();
        return new JsonCodec<>() {
            @Override
            public String typeName() {
                return name;
            }

            @Override
            public T parse(Buffer json) {
                Object[] values = fields.read(json);
                return values == null ? null : build.apply(values);
            }
        };
    }
}
