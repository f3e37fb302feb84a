package dev.cartwright.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the Redis protocol to check the harness's Redis without a client library: sends a command and
 * reads one reply (simple string, error, integer or bulk string).
 */
final class RespConnection implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RespConnection(String host, int port) throws IOException {
        this.socket = new Socket(host, port);
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** The reply as text: "OK", "PONG", a number, a bulk string's content, or null for a missing value. */
    String command(String... words) throws IOException {
        out.write(Probes.resp(words));
        out.flush();
        String line = readLine();
        char kind = line.charAt(0);
        String rest = line.substring(1);
        switch (kind) {
            case '+':
            case ':':
                return rest;
            case '-':
                throw new IOException("Redis error: " + rest);
            case '$':
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            default:
                throw new IOException("unexpected reply: " + line);
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
