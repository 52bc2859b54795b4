package nodecast;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain subscription to a test Redis, to witness what Redis has published. */
final class RedisSubscriber implements AutoCloseable {
    private final Socket socket;
    private final StringBuilder heard = new StringBuilder();

    private RedisSubscriber(Socket socket) {
        this.socket = socket;
    }

    static RedisSubscriber on(RedisProcess redis, String channel) throws IOException {
        Socket socket = new Socket("127.0.0.1", redis.port());
        socket.getOutputStream().write(("SSUBSCRIBE " + channel + "\r\n").getBytes(StandardCharsets.UTF_8));
        RedisSubscriber subscriber = new RedisSubscriber(socket);
        Thread reader = new Thread(subscriber::read, "redis-witness");
        reader.setDaemon(true);
        reader.start();
        subscriber.awaitMessageContaining("ssubscribe");
        return subscriber;
    }

    private void read() {
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (heard) {
                    heard.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    heard.notifyAll();
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Waits, at most 10 s, until the subscription has heard {@code text}. */
    void awaitMessageContaining(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        synchronized (heard) {
            while (heard.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Redis never published '" + text + "'; heard: " + heard);
                }
                try {
                    heard.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
