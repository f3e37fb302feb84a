package dev.cartwright.cart.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.cartwright.testkit.RedisClusterNodes;

/** The cluster's nodes as one node's CLUSTER NODES tells them: id, port, role, and the slots a master serves. */
record ClusterNodesView(List<Node> nodes) {

    record Node(String id, int port, boolean master, boolean failed, String masterId, List<int[]> slots) {

        boolean serves(int slot) {
            for (int[] range : slots) {
                if (slot >= range[0] && slot <= range[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** As any node that answers tells it. */
    static ClusterNodesView of(RedisClusterNodes cluster) {
        RuntimeException last = null;
        for (int port : cluster.ports()) {
            try {
                return parse(cluster.cli(port, "CLUSTER", "NODES"));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no cluster node answers CLUSTER NODES", last);
    }

    static ClusterNodesView parse(String text) {
        List<Node> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1];
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
            boolean master = f[2].contains("master");
            boolean failed = f[2].contains("fail") && !f[2].contains("fail?") || f[2].contains("noaddr");
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue;
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                slots.add(new int[] {from, range.length > 1 ? Integer.parseInt(range[1]) : from});
            }
            nodes.add(new Node(f[0], port, master, failed, f[3], slots));
        }
        return new ClusterNodesView(nodes);
    }

    /** The master serving {@code slot}. */
    Node masterOf(int slot) {
        return nodes.stream().filter(n -> n.master() && !n.failed() && n.serves(slot)).findFirst()
            .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot + ": " + nodes));
    }

    /** A live master other than {@code node}. */
    Node otherMaster(Node node) {
        return nodes.stream().filter(n -> n.master() && !n.failed() && !n.id().equals(node.id())).findFirst()
            .orElseThrow(() -> new IllegalStateException("no other master: " + nodes));
    }

    /** The replica of {@code master}, if it has one that is up. */
    Optional<Node> replicaOf(Node master) {
        return nodes.stream().filter(n -> !n.master() && !n.failed() && n.masterId().equals(master.id())).findFirst();
    }

    List<Node> masters() {
        return nodes.stream().filter(n -> n.master() && !n.failed() && !n.slots().isEmpty()).toList();
    }
}
