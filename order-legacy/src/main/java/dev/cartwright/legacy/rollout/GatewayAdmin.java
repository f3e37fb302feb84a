package dev.cartwright.legacy.rollout;

import dev.cartwright.order.flags.FlagSetting;
import dev.cartwright.order.flags.ServiceRouting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's runtime API (HAProxy's admin socket): changes the rollout map in force, one command per connection.
 * A change is in force for the next call the gateway routes; calls in flight finish where they started. This is a
 * blocking client for tools and tests (a few bytes over a local socket), never for an event loop.
 */
public final class GatewayAdmin {

    private final Path socket;
    private final Path map;

    /** {@code socket}: the admin socket; {@code map}: the rollout map file as the gateway loaded it (its key in HAProxy). */
    public GatewayAdmin(Path socket, Path map) {
        this.socket = socket;
        this.map = map;
    }

    /** Sets the share of customers the new service serves. */
    public void share(ServiceRouting service, FlagSetting share) {
        set(service.shareKey(), Integer.toString(share.basisPoints()));
    }

    /** Turns the kill switch on (the share applies) or off (every call to the Order service). */
    public void useNewService(ServiceRouting service, boolean on) {
        set(service.switchKey(), on ? "1" : "0");
    }

    /** The rollout map in force: key to value. */
    public Map<String, String> rollout() {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : command("show map " + map).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3) {
                entries.put(parts[1], parts[2]);
            }
        }
        return entries;
    }

    private void set(String key, String value) {
        String answer = command("set map " + map + " " + key + " " + value).trim();
        if (!answer.isEmpty()) {
            throw new IllegalStateException("the gateway refused '" + key + " " + value + "': " + answer);
        }
    }

    /** One runtime API command and its whole answer. */
    public String command(String command) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) > 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway's runtime API does not answer at " + socket, e);
        }
    }
}
