package dev.cartwright.loadtest;

import dev.cartwright.proto.checkout.v1.AddItemRequest;
import dev.cartwright.proto.checkout.v1.Cart;
import dev.cartwright.proto.checkout.v1.CartProto;
import dev.cartwright.proto.checkout.v1.CartServiceGrpcClient;
import dev.cartwright.proto.checkout.v1.ClearCartRequest;
import dev.cartwright.proto.checkout.v1.CreateCartRequest;
import dev.cartwright.proto.checkout.v1.GetCartRequest;
import dev.cartwright.proto.checkout.v1.RemoveItemRequest;
import dev.cartwright.proto.checkout.v1.UpdateItemRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

/**
 * The CartService calls the load driver makes, over one protocol: native gRPC (protobuf over HTTP/2) or the HTTP/JSON
 * mapping a storefront uses (the routes of the google.api.http annotations, JSON bodies). The same session on either,
 * so the service's cost per request can be compared between the two in one run.
 */
interface CartCalls {

    /** A new guest cart in {@code currency}; answers its id. */
    Future<String> create(String currency);

    Future<?> add(String cartId, String productId, int quantity);

    Future<?> update(String cartId, String productId, int quantity);

    Future<?> remove(String cartId, String productId);

    Future<?> get(String cartId);

    Future<?> clear(String cartId);

    static CartCalls grpc(CartServiceGrpcClient carts) {
        return new CartCalls() {
            @Override
            public Future<String> create(String currency) {
                return carts.createCart(CreateCartRequest.newBuilder().setCurrencyCode(currency).build()).map(c -> c.getCartId());
            }

            @Override
            public Future<?> add(String cartId, String productId, int quantity) {
                return carts.addItem(AddItemRequest.newBuilder().setCartId(cartId).setProductId(productId).setQuantity(quantity).build());
            }

            @Override
            public Future<?> update(String cartId, String productId, int quantity) {
                return carts.updateItem(UpdateItemRequest.newBuilder().setCartId(cartId).setProductId(productId).setQuantity(quantity)
                    .build());
            }

            @Override
            public Future<?> remove(String cartId, String productId) {
                return carts.removeItem(RemoveItemRequest.newBuilder().setCartId(cartId).setProductId(productId).build());
            }

            @Override
            public Future<?> get(String cartId) {
                return carts.getCart(GetCartRequest.newBuilder().setCartId(cartId).build());
            }

            @Override
            public Future<?> clear(String cartId) {
                return carts.clearCart(ClearCartRequest.newBuilder().setCartId(cartId).build());
            }
        };
    }

    /**
     * Native gRPC on {@link H2GrpcClient}: the same calls, with only CreateCart's answer decoded (the others are read
     * to their grpc-status and dropped, as the driver drops them).
     */
    static CartCalls h2(H2GrpcClient client) {
        String service = "/" + CartProto.getDescriptor().findServiceByName("CartService").getFullName() + "/";
        return new CartCalls() {
            @Override
            public Future<String> create(String currency) {
                return client.call(service + "CreateCart", CreateCartRequest.newBuilder().setCurrencyCode(currency).build(), Cart.parser())
                    .map(Cart::getCartId);
            }

            @Override
            public Future<?> add(String cartId, String productId, int quantity) {
                return client.call(service + "AddItem",
                    AddItemRequest.newBuilder().setCartId(cartId).setProductId(productId).setQuantity(quantity).build(), null);
            }

            @Override
            public Future<?> update(String cartId, String productId, int quantity) {
                return client.call(service + "UpdateItem",
                    UpdateItemRequest.newBuilder().setCartId(cartId).setProductId(productId).setQuantity(quantity).build(), null);
            }

            @Override
            public Future<?> remove(String cartId, String productId) {
                return client.call(service + "RemoveItem", RemoveItemRequest.newBuilder().setCartId(cartId).setProductId(productId).build(),
                    null);
            }

            @Override
            public Future<?> get(String cartId) {
                return client.call(service + "GetCart", GetCartRequest.newBuilder().setCartId(cartId).build(), null);
            }

            @Override
            public Future<?> clear(String cartId) {
                return client.call(service + "ClearCart", ClearCartRequest.newBuilder().setCartId(cartId).build(), null);
            }
        };
    }

    /** The HTTP/JSON mapping: a call answered with a status other than 200 fails with {@link HttpStatusException}. */
    static CartCalls httpJson(HttpClient http, SocketAddress server) {
        return new CartCalls() {
            @Override
            public Future<String> create(String currency) {
                return call(HttpMethod.POST, "/v1/carts", new JsonObject().put("currency_code", currency))
                    .map(body -> body.toJsonObject().getString("cartId"));
            }

            @Override
            public Future<?> add(String cartId, String productId, int quantity) {
                return call(HttpMethod.POST, "/v1/carts/" + cartId + "/items",
                    new JsonObject().put("product_id", productId).put("quantity", quantity));
            }

            @Override
            public Future<?> update(String cartId, String productId, int quantity) {
                return call(HttpMethod.PUT, "/v1/carts/" + cartId + "/items/" + productId, new JsonObject().put("quantity", quantity));
            }

            @Override
            public Future<?> remove(String cartId, String productId) {
                return call(HttpMethod.DELETE, "/v1/carts/" + cartId + "/items/" + productId, null);
            }

            @Override
            public Future<?> get(String cartId) {
                return call(HttpMethod.GET, "/v1/carts/" + cartId, null);
            }

            @Override
            public Future<?> clear(String cartId) {
                return call(HttpMethod.POST, "/v1/carts/" + cartId + "/clear", new JsonObject());
            }

            private Future<Buffer> call(HttpMethod method, String path, JsonObject body) {
                RequestOptions options = new RequestOptions().setServer(server).setMethod(method).setURI(path)
                    .putHeader("accept", "application/json");
                if (body != null) {
                    options.putHeader("content-type", "application/json");
                }
                return http.request(options)
                    .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
                    .compose(response -> response.body().compose(answer -> response.statusCode() == 200 ? Future.succeededFuture(answer)
                        : Future.failedFuture(new HttpStatusException(response, answer))));
            }
        };
    }

    /**
     * An HTTP/JSON answer other than 200, named in the driver's error counts by its grpc-status (as gRPC failures are)
     * and the reason of its ErrorInfo, which the JSON body carries: {@code FAILED_PRECONDITION/NO_SUCH_LINE}.
     */
    final class HttpStatusException extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final String name;

        HttpStatusException(HttpClientResponse response, Buffer body) {
            super("HTTP " + response.statusCode() + " grpc-status " + response.getHeader("grpc-status") + ": " + body, null, false, false);
            this.name = nameOf(response.getHeader("grpc-status"), body);
        }

        /** The grpc-status's name, and the reason of the body's ErrorInfo when there is one. */
        String statusAndReason() {
            return name;
        }

        static String nameOf(String grpcStatus, Buffer body) {
            String status;
            try {
                status = io.vertx.grpc.common.GrpcStatus.valueOf(Integer.parseInt(grpcStatus)).name();
            } catch (RuntimeException notAStatus) {
                status = "HTTP";
            }
            try {
                io.vertx.core.json.JsonArray details = new JsonObject(body).getJsonArray("details");
                for (int i = 0; details != null && i < details.size(); i++) {
                    String reason = details.getJsonObject(i).getString("reason");
                    if (reason != null) {
                        return status + "/" + reason;
                    }
                }
            } catch (RuntimeException notJson) {
                // No reason to add.
            }
            return status;
        }
    }
}
