package nodecast;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between nodecast and a test Redis that fails on cue, as networks and failovers do:
 * it can cut every connection right after Redis answered a given command (and reset new ones),
 * silently stop carrying the subscription's traffic while keeping its connection open, answer
 * some commands slowly, or refuse new connections while the open ones carry on.
 */
final class RedisProxy implements AutoCloseable {
    private final int redisPort;
    private final int port;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ServerSocket listener;
    /** Set by a cut until {@link #heal()}: new connections are reset at once. The listener stays bound, so no other socket can take the port meanwhile. */
    private volatile boolean refusing;
    private volatile String cutAfterReplyTo;
    private volatile boolean subscriptionsFrozen;
    private volatile boolean dropThatReply;
    private volatile String slowMarker;
    private volatile long slowMillis;
    /** Answers held back by {@link #answerSlowly} so far, and those since handed on. */
    private final java.util.concurrent.atomic.AtomicInteger slowHeld = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger slowGiven = new java.util.concurrent.atomic.AtomicInteger();

    private RedisProxy(RedisProcess redis) throws IOException {
        this.redisPort = redis.port();
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        this.port = listener.getLocalPort();
        Thread accepting = new Thread(this::accept, "redis-proxy-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    static RedisProxy to(RedisProcess redis) {
        try {
            return new RedisProxy(redis);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the proxy", e);
        }
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port + "/0");
    }

    /** Once Redis has answered the next command whose text contains {@code marker}, cuts every connection and resets new ones until {@link #heal()}. */
    void cutAfterReplyTo(String marker) {
        cutAfterReplyTo = marker;
        dropThatReply = false;
    }

    /** The same, but the answer is lost with the connections: Redis did the command, and the client cannot know. */
    void dropReplyTo(String marker) {
        cutAfterReplyTo = marker;
        dropThatReply = true;
    }

    /**
     * Stops carrying anything, either way, on every subscribed connection, now open or opened later,
     * leaving them open: a partition only the subscription sees, until {@link #heal()}.
     */
    void freezeSubscriptions() {
        subscriptionsFrozen = true;
        links.stream().filter(link -> link.subscribed).forEach(link -> link.frozen = true);
    }

    /** Until {@link #heal()}, every answer to a command whose text contains {@code marker} reaches the client {@code delay} late. */
    void answerSlowly(String marker, java.time.Duration delay) {
        slowMillis = delay.toMillis();
        slowMarker = marker;
    }

    /** How many answers {@link #answerSlowly} has begun to hold back. */
    int slowAnswersHeld() {
        return slowHeld.get();
    }

    /** How many answers {@link #answerSlowly} held back and then handed on. */
    int slowAnswersGiven() {
        return slowGiven.get();
    }

    /** Resets new connections until {@link #heal()}; those open carry on. */
    void refuseNewConnections() {
        refusing = true;
    }

    /** Carries new subscriptions again, accepts connections again (after a cut) and answers at once; connections frozen so far stay frozen. */
    void heal() {
        subscriptionsFrozen = false;
        refusing = false;
        slowMarker = null;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    client.setSoLinger(true, 0); // a reset, as near to a refused connection as a bound port allows
                    client.close();
                    continue;
                }
                Socket redis = new Socket("127.0.0.1", redisPort);
                Link link = new Link(client, redis);
                links.add(link);
                if (refusing) {
                    link.close(); // a cut came while this one was being connected
                    continue;
                }
                link.start();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return; // closed by close()
                }
            }
        }
    }

    /** Cuts every open connection and resets new ones until {@link #heal()}. */
    private void cut() {
        refusing = true;
        links.forEach(Link::close);
    }

    @Override
    public void close() {
        refusing = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        links.forEach(Link::close);
    }

    /** One client connection and its connection to Redis, with a thread pumping each way. */
    private final class Link {
        private final Socket client;
        private final Socket redis;
        volatile boolean subscribed;
        volatile boolean frozen;
        private volatile boolean cutAfterNextReply;
        private volatile boolean answerNextSlowly;

        Link(Socket client, Socket redis) {
            this.client = client;
            this.redis = redis;
        }

        void start() {
            pump(client, redis, true);
            pump(redis, client, false);
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[64 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        // Whether this chunk from Redis answers a marked command, as told when it was read: a reply read
                        // before that command came (the PING ahead of a script) is passed on as it is.
                        boolean cutAfterThis = !fromClient && cutAfterNextReply;
                        boolean slow = !fromClient && answerNextSlowly;
                        if (fromClient) {
                            String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                            if (text.contains("SUBSCRIBE")) {
                                subscribed = true;
                                frozen |= subscriptionsFrozen;
                            }
                            String marker = cutAfterReplyTo;
                            if (marker != null && text.contains(marker)) {
                                cutAfterReplyTo = null;
                                cutAfterNextReply = true;
                            }
                            String slowText = slowMarker;
                            answerNextSlowly |= slowText != null && text.contains(slowText);
                        }
                        if (slow) {
                            answerNextSlowly = false;
                            slowHeld.incrementAndGet();
                            Thread.sleep(slowMillis);
                        }
                        if (frozen) {
                            continue;
                        }
                        if (cutAfterThis && dropThatReply) {
                            cut();
                            break;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                        if (slow) {
                            slowGiven.incrementAndGet();
                        }
                        if (cutAfterThis) {
                            cut();
                        }
                    }
                } catch (IOException e) {
                    // one side closed: close both
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                close();
            }, "redis-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            links.remove(this);
            try {
                client.close();
                redis.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
