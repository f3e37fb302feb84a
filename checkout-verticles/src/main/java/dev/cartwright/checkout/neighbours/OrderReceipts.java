package dev.cartwright.checkout.neighbours;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.cartwright.checkout.contract.CheckoutContract;
import dev.cartwright.checkout.domain.FrozenLine;
import dev.cartwright.checkout.domain.OrderDraft;
import dev.cartwright.checkout.domain.PlacedOrder;
import dev.cartwright.proto.platform.v1.CreateOrderRequest;
import dev.cartwright.proto.platform.v1.OrderDetails;
import dev.cartwright.proto.platform.v1.OrderItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Owns the translation between a checkout's order and the Order service's contract: the CreateOrder request for an
 * {@link OrderDraft}, and the order it answers with as a {@link PlacedOrder}, whose receipt is the answer as protobuf
 * JSON (the form the saga's step row keeps it in).
 */
public final class OrderReceipts {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private OrderReceipts() {
    }

    /** A placed order from its receipt; empty when the text is not a readable order. */
    public static Optional<PlacedOrder> read(String receipt) {
        try {
            OrderDetails.Builder b = OrderDetails.newBuilder();
            PARSER.merge(receipt, b);
            return Optional.of(placed(b.build()));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    static PlacedOrder placed(OrderDetails details) {
        List<PlacedOrder.Item> items = new ArrayList<>(details.getItemsCount());
        for (OrderItem item : details.getItemsList()) {
            items.add(new PlacedOrder.Item(item.getOrderItemId(), item.getProductId()));
        }
        return new PlacedOrder(details.getOrderId(), details.getStatus(),
            details.hasCreatedAt() ? Optional.of(CheckoutContract.instant(details.getCreatedAt())) : Optional.empty(), items,
            print(details));
    }

    static CreateOrderRequest request(OrderDraft d) {
        String currency = d.currency();
        CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder()
            .setIdempotencyKey(d.idempotencyKey())
            .setCheckoutId(d.checkoutId())
            .setCustomerId(d.customerId())
            .setSubtotal(CheckoutContract.money(d.totals().subtotal(), currency))
            .setDiscount(CheckoutContract.money(d.totals().discount(), currency))
            .setShipping(CheckoutContract.money(d.totals().shipping(), currency))
            .setTax(CheckoutContract.money(d.totals().tax(), currency))
            .setGrandTotal(CheckoutContract.money(d.totals().grandTotal(), currency))
            .setShippingMethodId(d.shippingMethodId().orElse(""))
            .setPaymentReference(d.paymentReference().orElse(""));
        d.shippingAddress().ifPresent(a -> request.setShippingAddress(CheckoutContract.address(a)));
        d.billingAddress().ifPresent(a -> request.setBillingAddress(CheckoutContract.address(a)));
        for (FrozenLine l : d.lines()) {
            request.addItems(OrderItem.newBuilder()
                .setProductId(l.productId())
                .setCategoryId(l.categoryId())
                .setQuantity(l.quantity())
                .setUnitPrice(CheckoutContract.money(l.unitPrice(), currency))
                .setDiscount(CheckoutContract.money(l.discount(), currency))
                .setTax(CheckoutContract.money(l.tax(), currency))
                .setTotal(CheckoutContract.money(l.total(), currency)));
        }
        return request.build();
    }

    private static String print(OrderDetails details) {
        try {
            return JSON.print(details);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
