package dev.cartwright.returns.neighbours;

import io.vertx.core.net.SocketAddress;

/** Where the neighbours the Return Service calls are listening. */
public record NeighbourAddresses(SocketAddress order, SocketAddress payment, SocketAddress shipping, SocketAddress warehouse) {
}
