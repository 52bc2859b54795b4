package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code Idempotency-Key} on {@code POST /submit-message}, over real HTTP, on the in-memory log and on a real Redis. */
class IdempotencyTest {
    private static final StoreServers servers = new StoreServers();
    private static final Gson GSON = new Gson();

    @AfterEach
    void stopServers() {
        servers.stopServers();
    }

    @AfterAll
    static void stopRedis() {
        servers.close();
    }

    private static HttpResponse<String> publish(TestServer s, String text, String idempotencyKey) {
        return s.send(HttpRequest.newBuilder(s.uri("/submit-message"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + TestServer.KEY)
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString("text=" + text)));
    }

    private static List<String> stored(TestServer s) {
        return TestServer.messages(s.get("/since?id=0")).stream().map(Message::text).toList();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void the_same_key_twice_stores_one_message_and_answers_the_second_with_200_the_same_message_and_the_replay_header(Store store) {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        HttpResponse<String> first = publish(s, "once", "order-17");
        HttpResponse<String> again = publish(s, "once", "order-17");
        assertEquals(201, first.statusCode(), first.body());
        assertTrue(first.headers().firstValue("Idempotent-Replayed").isEmpty());
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
        assertEquals(first.body(), again.body(), "the same id, text and time");
        assertEquals(first.headers().firstValue("Location"), again.headers().firstValue("Location"));
        assertEquals(List.of("once"), stored(s));
    }

    /** The key names the publish, not its text: a repeat is answered with what was stored first, even if its text differs. */
    @ParameterizedTest
    @EnumSource(Store.class)
    void a_repeated_key_with_another_text_stores_nothing_and_answers_the_first_message(Store store) {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        Message first = GSON.fromJson(publish(s, "first", "k").body(), Message.class);
        HttpResponse<String> other = publish(s, "second", "k");
        assertEquals(200, other.statusCode());
        assertEquals(first, GSON.fromJson(other.body(), Message.class));
        assertEquals(List.of("first"), stored(s));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void different_keys_store_different_messages(Store store) {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        assertEquals(201, publish(s, "a", "key-a").statusCode());
        assertEquals(201, publish(s, "b", "key-b").statusCode());
        assertEquals(201, s.postJson("/submit-message", "text=no-key").statusCode());
        assertEquals(List.of("a", "b", "no-key"), stored(s));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void publishes_from_two_threads_sharing_ten_keys_store_exactly_ten_messages(Store store) throws Exception {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        Map<String, String> answerByKey = new ConcurrentHashMap<>();
        Runnable publisher = () -> {
            for (int i = 0; i < 50; i++) {
                String key = "shared-" + i % 10;
                HttpResponse<String> response = publish(s, key, key);
                assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.body());
                String earlier = answerByKey.putIfAbsent(key, response.body());
                assertEquals(earlier == null ? response.body() : earlier, response.body(), "every answer for " + key + " names one message");
            }
        };
        CompletableFuture.allOf(CompletableFuture.runAsync(publisher), CompletableFuture.runAsync(publisher)).get();
        List<String> stored = stored(s);
        assertEquals(10, stored.size(), stored.toString());
        assertEquals(10, stored.stream().distinct().count(), stored.toString());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_browser_that_posts_the_form_again_is_told_the_message_is_already_published(Store store) {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        HttpRequest.Builder post = HttpRequest.newBuilder(s.uri("/submit-message"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .header("Idempotency-Key", "form-1")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + TestServer.KEY + "&text=hello"));
        assertTrue(s.send(post).body().contains("Message was assigned ID 0"));
        HttpResponse<String> again = s.send(post);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("Already published: that message has ID 0"), again.body());
        assertEquals(List.of("hello"), stored(s));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void bad_keys_are_refused_with_400_and_a_reason_and_store_nothing(Store store) throws IOException {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        assertRefused(s, "Idempotency-Key: \r\n", "the Idempotency-Key header is empty");
        assertRefused(s, "Idempotency-Key: " + "k".repeat(129) + "\r\n", "the Idempotency-Key is 129 characters long; the limit is 128");
        assertRefused(s, "Idempotency-Key: two words\r\n", "the Idempotency-Key may hold only printable ASCII characters, without spaces");
        assertRefused(s, "Idempotency-Key: tab\there\r\n", "the Idempotency-Key may hold only printable ASCII characters, without spaces");
        assertRefused(s, "Idempotency-Key: caf\u00e9\r\n", "the Idempotency-Key may hold only printable ASCII characters, without spaces");
        assertRefused(s, "Idempotency-Key: a\r\nIdempotency-Key: a\r\n", "the Idempotency-Key header is given more than once");
        assertEquals(List.of(), stored(s));
        assertEquals(201, publish(s, "x", "k".repeat(128)).statusCode(), "128 printable characters are a key");
        assertEquals(201, publish(s, "y", "!~\"'{}%").statusCode(), "any printable ASCII is");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void spaces_around_the_key_are_not_part_of_it(Store store) throws IOException {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        assertEquals(201, publish(s, "x", "padded").statusCode());
        String answer = HttpApiTest.rawRequest(s, rawPublish("Idempotency-Key:   padded  \r\n"));
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertEquals(List.of("x"), stored(s));
    }

    private static void assertRefused(TestServer s, String keyHeaders, String reason) throws IOException {
        String answer = HttpApiTest.rawRequest(s, rawPublish(keyHeaders));
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertEquals(reason, JsonParser.parseString(body).getAsJsonObject().get("error").getAsString());
    }

    /** A JSON publish of "x" with {@code keyHeaders} (whole lines), as raw HTTP/1.1, ISO-8859-1. */
    private static String rawPublish(String keyHeaders) {
        return "POST /submit-message HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: application/json\r\n"
                + "Authorization: Bearer " + TestServer.KEY + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + keyHeaders + "Content-Length: 6\r\n\r\ntext=x";
    }
}
