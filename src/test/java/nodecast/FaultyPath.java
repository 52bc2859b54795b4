package nodecast;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network between a browser and nodecast, failing on cue as real ones do: a TCP proxy that
 * can answer {@code 502} to the requests for some paths (a server down behind a balancer that
 * still serves the page, or a proxy that refuses WebSocket upgrades), and stall a stream's
 * connection, carrying no byte either way while keeping it open (a half-open connection: a
 * laptop that slept, a NAT that forgot it). It reads each request's head from the browser
 * to know its path, so it carries GET requests (the page's) and, once upgraded, anything.
 */
final class FaultyPath implements AutoCloseable {
    private static final byte[] BAD_GATEWAY = ("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 12\r\nConnection: close\r\n\r\nserver down\n").getBytes(StandardCharsets.US_ASCII);

    private final int serverPort;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile List<String> refusedPaths = List.of();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

    private FaultyPath(TestServer server) throws IOException {
        this.serverPort = server.port();
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread accepting = new Thread(this::accept, "faulty-path-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    static FaultyPath to(TestServer server) {
        try {
            return new FaultyPath(server);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the proxy", e);
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + pathAndQuery);
    }

    /** From now on, requests whose path starts with one of {@code paths} are answered {@code 502}, and their connection closed. */
    void refuse(String... paths) {
        refusedPaths = List.of(paths);
    }

    /** How many requests for a path starting with {@code path} were answered {@code 502}. */
    int refusedCount(String path) {
        return refusals.getOrDefault(path, new AtomicInteger()).get();
    }

    /** Carries every request again. */
    void heal() {
        refusedPaths = List.of();
    }

    /**
     * Every connection open now whose latest request's path starts with one of {@code paths} (a
     * stream's) carries nothing more, either way, and stays open; other and later ones are carried.
     */
    void stall(String... paths) {
        links.stream().filter(link -> Arrays.stream(paths).anyMatch(link.path::startsWith)).forEach(Link::stall);
    }

    /** Closes every connection open now, as a proxy that restarts does. */
    void cut() {
        links.forEach(Link::close);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket browser = listener.accept();
                Link link = new Link(browser, new Socket("127.0.0.1", serverPort));
                links.add(link);
                link.start();
            } catch (IOException e) {
                // closed, or the server is gone: the browser's connection fails, as it would
            }
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cut();
    }

    /** One browser connection and its connection to the server. */
    private final class Link {
        private final Socket browser;
        private final Socket server;
        private final CountDownLatch stalled = new CountDownLatch(1);
        private final CountDownLatch closed = new CountDownLatch(1);
        /** The path of the latest request carried. */
        private volatile String path = "";

        Link(Socket browser, Socket server) {
            this.browser = browser;
            this.server = server;
        }

        void start() {
            daemon(this::carryRequests, "faulty-path-requests");
            daemon(this::carryAnswers, "faulty-path-answers");
        }

        private void daemon(Runnable task, String name) {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        }

        /** Request heads one by one, so each path is seen; after an upgrade, whatever comes. */
        private void carryRequests() {
            try {
                InputStream in = browser.getInputStream();
                OutputStream out = server.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        break;
                    }
                    path = head.split(" ", 3)[1];
                    String refused = refusedPaths.stream().filter(path::startsWith).findFirst().orElse(null);
                    if (refused != null) {
                        refusals.computeIfAbsent(refused, p -> new AtomicInteger()).incrementAndGet();
                        browser.getOutputStream().write(BAD_GATEWAY);
                        break;
                    }
                    forward(head.getBytes(StandardCharsets.ISO_8859_1), out);
                    if (head.toLowerCase(Locale.ROOT).contains("\r\nupgrade:")) {
                        carry(in, out);
                        break;
                    }
                }
            } catch (IOException e) {
                // either side closed
            }
            close();
        }

        private String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        private void carryAnswers() {
            try {
                carry(server.getInputStream(), browser.getOutputStream());
            } catch (IOException e) {
                // either side closed
            }
            close();
        }

        private void carry(InputStream in, OutputStream out) throws IOException {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                forward(Arrays.copyOf(buffer, n), out);
            }
        }

        /** Writes {@code bytes} on, unless the link stalled: then holds them, reading nothing more, until it closes. */
        private void forward(byte[] bytes, OutputStream out) throws IOException {
            if (stalled.getCount() == 0) {
                awaitClose();
                throw new IOException("stalled, then closed");
            }
            out.write(bytes);
            out.flush();
        }

        private void awaitClose() {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stall() {
            stalled.countDown();
        }

        void close() {
            links.remove(this);
            closed.countDown();
            try {
                browser.close();
            } catch (IOException ignored) {
                // closing both anyway
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
