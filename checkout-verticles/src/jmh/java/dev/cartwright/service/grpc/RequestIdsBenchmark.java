package dev.cartwright.service.grpc;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.UpdateAddressRequest;
import dev.cartwright.proto.common.v1.Address;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the rule on ids ({@link RequestIds}) costs every request before its handler runs, for a clean request: an
 * AddItem (three ids) and an UpdateAddress (two ids and a nested message to look into). Neither finds anything to
 * refuse, as nearly every request in service finds nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestIdsBenchmark {

    private final AddItemRequest addItem = AddItemRequest.newBuilder().setCartId("0b7c2f4e-9d1a-4c3e-8f61-2a5d7e9b1c40")
        .setProductId("1234").setQuantity(2).setIdempotencyKey("add-0b7c2f4e-17").build();
    private final UpdateAddressRequest updateAddress = UpdateAddressRequest.newBuilder().setCheckoutId("co-5f2e9a71")
        .setAddress(Address.newBuilder().setName("Ada Lovelace").setLine1("12 St James's Square").setCity("London")
            .setPostalCode("SW1Y 4JH").setCountryCode("GB"))
        .setIdempotencyKey("address-5f2e9a71-3").build();

    @Benchmark
    public RpcError addItem() {
        return RequestIds.problem(addItem);
    }

    @Benchmark
    public RpcError updateAddress() {
        return RequestIds.problem(updateAddress);
    }
}
