package dev.cartwright.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks whether a service really answers at an address, with short timeouts: a listening port alone is not
 * proof (9092 may be something else), so Redis is sent a PING and Kafka a DescribeCluster.
 */
final class Probes {

    private Probes() {
    }

    /** True when a TCP connection to host:port is accepted within {@code timeout}. */
    static boolean acceptsConnections(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends PING (after AUTH when a password is given) and returns the server's reply line, e.g. {@code +PONG},
     * or empty when nothing answers.
     */
    static Optional<String> redisPing(String host, int port, Optional<String> password, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (password.isPresent()) {
                out.write(resp("AUTH", password.get()));
                String auth = readLine(in);
                if (!auth.startsWith("+OK")) {
                    return Optional.of(auth);
                }
            }
            out.write(resp("PING"));
            out.flush();
            return Optional.of(readLine(in));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Encodes a command as a RESP array of bulk strings. */
    static byte[] resp(String... words) {
        StringBuilder sb = new StringBuilder().append('*').append(words.length).append("\r\n");
        for (String word : words) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** The cluster id when a Kafka broker answers DescribeCluster at {@code bootstrap} within {@code timeout}. */
    static Optional<String> kafkaClusterId(String bootstrap, Duration timeout) {
        Map<String, Object> config = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
            // One attempt is enough to tell "a broker is here" from "it is not"; retries only slow the fallback.
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
            AdminClientConfig.RETRIES_CONFIG, 0);
        Admin admin = Admin.create(config);
        try {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            String clusterId = cluster.clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            if (cluster.nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).isEmpty()) {
                return Optional.empty();
            }
            return Optional.ofNullable(clusterId);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
