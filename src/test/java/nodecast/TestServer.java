package nodecast;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import nodecast.log.Message;

/**
 * A nodecast server on a free port for one test, with a short wait timeout so timeouts are
 * tested in well under a second, and a small HTTP client that talks to it.
 */
final class TestServer implements AutoCloseable {
    static final Duration WAIT_TIMEOUT = Duration.ofMillis(800);
    /** The publisher key of every test server; {@link #postJson} gives it as a Bearer token. */
    static final String KEY = "test-publisher-key-0123456789";
    private static final Gson GSON = new Gson();

    final NodecastServer server;
    final Config config;
    /** Fires this server's wait timeouts when the test says; null when they fire on their own. */
    final ManualWaitTimer timeouts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Config config, Clock clock, ManualWaitTimer timeouts) {
        this.config = config;
        this.timeouts = timeouts;
        this.server = timeouts == null ? NodecastServer.start(config, clock) : NodecastServer.start(config, clock, timeouts);
    }

    /** An in-memory server. */
    static TestServer memory() {
        return start(null);
    }

    /** A server on the given Redis ({@code null}: in memory). */
    static TestServer start(URI redis) {
        return start(redis, WAIT_TIMEOUT);
    }

    static TestServer start(URI redis, Duration waitTimeout) {
        return start(config(redis, waitTimeout, 0), Clock.systemUTC());
    }

    static TestServer start(Config config, Clock clock) {
        return start(config, clock, null);
    }

    /** A server on the given Redis ({@code null}: in memory) whose wait timeouts fire only through {@link #timeouts}. */
    static TestServer withManualTimeouts(URI redis) {
        return start(config(redis, WAIT_TIMEOUT, 0), Clock.systemUTC(), new ManualWaitTimer());
    }

    /**
     * Publishes {@code text} on the channel at {@code channelPath} ({@code ""} for default,
     * {@code /c/NAME} for another), retrying on any of {@code servers} until one acknowledges it,
     * as a careful publisher would: with an idempotency key, so a retry after a 504 (stored or
     * not, nobody knows) stores it exactly once. Anything but 2xx, 503 and 504 fails the test.
     * Returns how many attempts were refused with 503 or 504 first.
     */
    static int publishUntilAcknowledged(List<TestServer> servers, String channelPath, String text) {
        Answers answers = new Answers();
        publishUntilAcknowledged(servers, channelPath, text, answers);
        return answers.of(503) + answers.of(504);
    }

    /** The same, counting every answer in {@code answers} (an instance that could not be reached counts as 0). */
    static void publishUntilAcknowledged(List<TestServer> servers, String channelPath, String text, Answers answers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int attempt = 0; ; attempt++) {
            TestServer server = servers.get(attempt % servers.size());
            try {
                HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(channelPath + "/submit-message"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .header("Authorization", "Bearer " + KEY)
                        .header("Idempotency-Key", text.replace(' ', '-'))
                        .POST(HttpRequest.BodyPublishers.ofString("text=" + URLEncoder.encode(text, StandardCharsets.UTF_8))));
                answers.count(response.statusCode());
                if (response.statusCode() == 201 || response.statusCode() == 200) {
                    return;
                }
                if (response.statusCode() != 503 && response.statusCode() != 504) {
                    throw new AssertionError("publish of '" + text + "' answered " + response.statusCode() + " " + response.body());
                }
            } catch (UncheckedIOException e) {
                answers.count(0); // that instance is down: try the next
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no instance accepted '" + text + "'");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A server whose Redis may be away: it is not waited for. */
    static TestServer startUnsynced(Config config) {
        return new TestServer(config, Clock.systemUTC(), null);
    }

    private static TestServer start(Config config, Clock clock, ManualWaitTimer timeouts) {
        TestServer server = new TestServer(config, clock, timeouts);
        if (config.redis() != null) {
            server.awaitSynced();
        }
        return server;
    }

    /** The defaults, but for a known key and a publish rate no test reaches. */
    static Config config(URI redis, Duration waitTimeout, int port) {
        return Config.builder().port(port).redis(redis).waitTimeout(waitTimeout).publishKey(KEY).publishRate(1_000_000).build();
    }

    /** A Redis-backed server answers from its tail only once its subscription has synced. */
    private void awaitSynced() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.broadcaster().logId() == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server never synced with Redis");
            }
            Thread.onSpinWait();
        }
    }

    int port() {
        return server.port();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    /** Posts a form body as a script would, asking for JSON. */
    HttpResponse<String> postJson(String path, String formBody) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(formBody)));
    }

    /** Publishes {@code text}; returns the stored message. */
    Message publish(String text) {
        return publishAt("", text);
    }

    /** Publishes {@code text} on channel {@code channel}; returns the stored message. */
    Message publish(String channel, String text) {
        return publishAt("/c/" + channel, text);
    }

    private Message publishAt(String channelPath, String text) {
        HttpResponse<String> response = postJson(channelPath + "/submit-message", "text=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("publish answered " + response.statusCode() + ": " + response.body());
        }
        return GSON.fromJson(response.body(), Message.class);
    }

    /** The line of {@code /metrics} that starts with {@code start}, or a line saying it is absent. */
    String metric(String start) {
        return get("/metrics").body().lines().filter(l -> l.startsWith(start)).findFirst().orElse(start + " absent");
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<Message> messages(HttpResponse<String> response) {
        return GSON.fromJson(response.body(), new TypeToken<List<Message>>() { }.getType());
    }

    @Override
    public void close() {
        server.close();
    }
}
