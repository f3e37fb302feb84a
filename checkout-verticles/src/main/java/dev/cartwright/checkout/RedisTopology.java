package dev.cartwright.checkout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.cartwright.service.config.ConfigException;
import dev.cartwright.service.config.ConfigReader;

/**
 * Which Redis the carts live in: the one server of {@code CARTWRIGHT_REDIS_URL}, or a Redis Cluster whose nodes
 * {@code CARTWRIGHT_REDIS_CLUSTER} names (host:port,host:port,...; any of them, the client learns the rest), and over how
 * many change streams the carts are spread ({@code CARTWRIGHT_REDIS_SHARDS}: 1 by default on one server, which keeps
 * the keys of before; 3 by default on a cluster, one per master of a three-master cluster), and how many replicas must
 * hold a cart change before it is acknowledged ({@code CARTWRIGHT_REDIS_WAIT_REPLICAS}: 1 by default on a cluster, 0
 * on one server; within {@code CARTWRIGHT_REDIS_WAIT_TIMEOUT}, 1 s by default), and how many pipelined connections
 * ("lanes") each event loop sends cart changes on ({@code CARTWRIGHT_REDIS_LANES}: 1 by default without WAIT,
 * {@link #DEFAULT_WAITING_LANES} with it, since a WAIT holds up its connection until the replicas answer).
 *
 * @param clusterNodes the cluster's seed nodes as host:port; empty for one server
 * @param shards       how many change streams (each with its own write-behind, Kafka bridge and trimmer)
 * @param waitReplicas replicas that must hold a change before it is acknowledged (WAIT; 0: none)
 * @param waitTimeout  how long a change waits for them before it is answered as unavailable (outcome unknown)
 * @param lanes        pipelined connections per event loop for the cart changes (on a cluster, each one to every node)
 */
public record RedisTopology(List<String> clusterNodes, int shards, int waitReplicas, Duration waitTimeout, int lanes) {

    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9.\\-]+:[0-9]{1,5}");
    public static final int DEFAULT_CLUSTER_SHARDS = 3;
    public static final int DEFAULT_WAITING_LANES = 8;

    public RedisTopology {
        clusterNodes = List.copyOf(clusterNodes);
    }

    public boolean cluster() {
        return !clusterNodes.isEmpty();
    }

    static RedisTopology read(ConfigReader config) {
        String nodes = config.string("CARTWRIGHT_REDIS_CLUSTER", "").trim();
        List<String> clusterNodes = new ArrayList<>();
        if (!nodes.isEmpty()) {
            for (String node : nodes.split(",")) {
                String trimmed = node.trim();
                if (!NODE.matcher(trimmed).matches()) {
                    throw new ConfigException("CARTWRIGHT_REDIS_CLUSTER", "must be host:port,host:port,..., was '" + nodes + "'");
                }
                clusterNodes.add(trimmed);
            }
        }
        int shards = config.integer("CARTWRIGHT_REDIS_SHARDS", clusterNodes.isEmpty() ? 1 : DEFAULT_CLUSTER_SHARDS, 1, 1024);
        int waitReplicas = config.integer("CARTWRIGHT_REDIS_WAIT_REPLICAS", clusterNodes.isEmpty() ? 0 : 1, 0, 16);
        Duration waitTimeout = config.duration("CARTWRIGHT_REDIS_WAIT_TIMEOUT", Duration.ofSeconds(1));
        if (waitTimeout.isZero() || waitTimeout.isNegative()) {
            throw new ConfigException("CARTWRIGHT_REDIS_WAIT_TIMEOUT", "must be positive, was " + waitTimeout);
        }
        int lanes = config.integer("CARTWRIGHT_REDIS_LANES", waitReplicas == 0 ? 1 : DEFAULT_WAITING_LANES, 1, 64);
        return new RedisTopology(clusterNodes, shards, waitReplicas, waitTimeout, lanes);
    }
}
