package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a publish or clear is answered when the log fails: 503 when it stored nothing, 504 when it
 * cannot say. The publish endpoints run on a real Undertow on a free port, in front of a log
 * that fails as told, since a real Redis cannot be made to fail mid-reply on cue.
 */
class LogFailureTest {
    private Undertow undertow;

    @AfterEach
    void stop() {
        undertow.stop();
    }

    /** A log whose every call fails: with {@link UncertainWriteException} if {@code uncertain}, else having done nothing. */
    private static MessageLog failing(boolean uncertain) {
        return new MessageLog() {
            @Override
            public void start(Listener listener) {
            }

            @Override
            public Appended append(String text, String idempotencyKey) {
                throw failure();
            }

            @Override
            public LogSlice since(long from, int limit) {
                throw failure();
            }

            @Override
            public void clear() {
                throw failure();
            }

            private LogUnavailableException failure() {
                return uncertain ? new UncertainWriteException("Redis did not answer", null) : new LogUnavailableException("Redis is down", null);
            }

            @Override
            public boolean isAvailable() {
                return false;
            }

            @Override
            public String describe() {
                return "a log that fails";
            }

            @Override
            public void close() {
            }
        };
    }

    private URI start(MessageLog log) {
        FormPage form = new FormPage(true);
        RefusalReplies refusals = new RefusalReplies(form, new RefusalLog());
        PublisherKey key = PublisherKey.required(TestServer.KEY);
        PublishGate gate = new PublishGate(key, new PublishAllowance(new PublishRateLimit(1_000, System::nanoTime), false),
                new ClientAddress(Set.of()), new BodyReader(Config.DEFAULTS.maxBodyBytes()), refusals);
        undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path()
                        .addExactPath("/submit-message", new SubmitHandler(log, gate, refusals, form, new Metrics(), 2_000))
                        .addExactPath("/clear-messages", new ClearHandler(log, gate, refusals, form)))
                .build();
        undertow.start();
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/submit-message | ''   | false | 503 | message not stored: Redis is down",
        "/submit-message | ''   | true  | 504 | Redis did not confirm the message: it may be stored; a retry may store it twice (a retry with an Idempotency-Key never does)",
        "/submit-message | k-1  | false | 503 | message not stored: Redis is down",
        "/submit-message | k-1  | true  | 504 | Redis did not confirm the message: it may be stored; retry with the same Idempotency-Key to be sure it is stored exactly once",
        "/clear-messages | ''   | false | 503 | log not cleared: Redis is down",
        "/clear-messages | ''   | true  | 504 | Redis did not confirm the clear: it may have happened"})
    void a_change_the_log_failed_is_answered_503_if_nothing_happened_and_504_if_that_is_not_known(
            String path, String idempotencyKey, boolean uncertain, int status, String reason) throws Exception {
        URI server = start(failing(uncertain));
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + TestServer.KEY)
                .POST(HttpRequest.BodyPublishers.ofString("text=x"));
        if (!idempotencyKey.isEmpty()) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(reason, JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString());
    }
}
