package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static nodecast.RedisLogTest.awaitTrue;

import com.google.gson.Gson;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import nodecast.http.Replies;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every endpoint and every bad input over real HTTP, on the in-memory log and on a real Redis. */
class HttpApiTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();
    private static final Gson GSON = new Gson();

    private TestServer start(Store store) {
        return servers.start(store, TestServer.WAIT_TIMEOUT);
    }

    private static long ids(HttpResponse<String> response, int index) {
        return TestServer.messages(response).get(index).id();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void published_messages_get_zero_based_ids_in_order_and_since_includes_its_id(Store store) {
        TestServer s = start(store);
        Message first = s.publish("first");
        Message second = s.publish("second ünïcødé 🌍");
        assertEquals(0, first.id());
        assertEquals(1, second.id());
        assertTrue(first.time().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), first.time());

        HttpResponse<String> all = s.get("/since?id=0");
        assertEquals(200, all.statusCode());
        assertEquals("application/json; charset=utf-8", all.headers().firstValue("Content-Type").orElse(""));
        assertEquals(List.of(first, second), TestServer.messages(all));
        assertEquals(List.of(second), TestServer.messages(s.get("/since?id=1")));
        assertEquals(List.of(), TestServer.messages(s.get("/since?id=2")));
        assertEquals(List.of(first, second), TestServer.messages(s.get("/since")), "a missing id means 0");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void wait_answers_at_once_when_a_message_with_that_id_or_later_exists(Store store) {
        TestServer s = servers.withManualTimeouts(store);
        s.publish("already here");
        HttpResponse<String> response = s.get("/wait?id=0"); // no timeout ever fires: only the message can answer
        assertEquals(0, ids(response, 0));
        assertEquals(0, s.timeouts.pending(), "answered without parking");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_parked_wait_is_answered_by_the_next_message(Store store) throws Exception {
        TestServer s = start(store);
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> s.get("/wait?id=0"));
        awaitParked(s, 1);
        Message message = s.publish("wake up");
        assertEquals(List.of(message), TestServer.messages(waiting.get()));
        assertEquals(0, s.server.broadcaster().parkedCount());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_wait_with_nothing_new_answers_an_empty_list_at_the_timeout(Store store) throws Exception {
        TestServer s = servers.withManualTimeouts(store);
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> s.get("/wait?id=0"));
        awaitParked(s, 1);
        assertFalse(waiting.isDone());
        assertEquals(List.of(s.config.waitTimeout()), s.timeouts.delays(), "parked for the configured wait timeout");

        assertEquals(1, s.timeouts.fireAll());
        HttpResponse<String> response = waiting.get(5, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("[]", response.body());
        assertEquals(0, s.server.broadcaster().parkedCount());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void clearing_empties_the_log_but_ids_carry_on(Store store) throws Exception {
        TestServer s = start(store);
        s.publish("a");
        s.publish("b");
        HttpResponse<String> cleared = s.postJson("/clear-messages", "");
        assertEquals(200, cleared.statusCode());
        assertEquals("[]", s.get("/since?id=0").body());

        CompletableFuture<HttpResponse<String>> oldViewer = CompletableFuture.supplyAsync(() -> s.get("/wait?id=2"));
        awaitParked(s, 1);
        Message next = s.publish("c");
        assertEquals(2, next.id());
        assertEquals(List.of(next), TestServer.messages(oldViewer.get()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/since?id=-1", "/since?id=abc", "/since?id=1.5", "/since?id=", "/since?id=99999999999999999999",
        "/since?id=9007199254740992", "/since?id=1&id=2", "/wait?id=-5", "/wait?id=0x10", "/wait?id=%20"})
    void a_bad_id_is_refused_with_400_and_a_reason(String path) {
        TestServer s = start(Store.MEMORY);
        HttpResponse<String> response = s.get(path);
        assertEquals(400, response.statusCode(), path);
        assertTrue(response.body().startsWith("id "), response.body());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void last_starts_with_the_newest_messages_and_last_0_with_the_next_one(Store store) throws Exception {
        TestServer s = start(store);
        for (int i = 0; i < 5; i++) {
            s.postJson("/c/news/submit-message", "text=news+" + i);
        }
        // The channel is taken up by the first read: on Redis before its first sync, the newest are counted from the log.
        assertEquals(List.of("news 3", "news 4"), texts(s.get("/c/news/since?last=2")));
        assertEquals(List.of("news 3", "news 4"), texts(s.get("/c/news/wait?last=2")));
        assertEquals(5, TestServer.messages(s.get("/c/news/since?last=1000")).size(), "fewer than asked: all there are");
        HttpResponse<String> none = s.get("/c/news/since?last=0");
        assertEquals("[]", none.body());
        assertTrue(none.headers().firstValue(Replies.LOG_HEADER.toString()).isPresent(), "even an empty answer names its log");

        CompletableFuture<HttpResponse<String>> fromNow = CompletableFuture.supplyAsync(() -> s.get("/c/news/wait?last=0"));
        awaitTrue(() -> s.server.channels().parkedCount() == 1, "the wait for the next message never parked");
        s.postJson("/c/news/submit-message", "text=news+5");
        assertEquals(List.of("news 5"), texts(fromNow.get(5, TimeUnit.SECONDS)));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void last_after_a_clear_counts_only_what_is_kept(Store store) {
        TestServer s = start(store);
        s.publish("a");
        s.publish("b");
        assertEquals(200, s.postJson("/clear-messages", "").statusCode());
        s.publish("c");
        assertEquals(List.of("c"), texts(s.get("/since?last=3")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/since?last=-1|last must be a whole number from 0 to 1000", "/wait?last=1001|last must be a whole number from 0 to 1000",
        "/since?last=abc|last must be a whole number from 0 to 1000", "/since?last=|last must be a whole number from 0 to 1000",
        "/wait?last=%2B5|last must be a whole number from 0 to 1000", "/since?last=00001|last must be a whole number from 0 to 1000",
        "/since?last=1&last=2|last is given more than once",
        "/wait?id=1&last=1|give id or last, not both: id starts at a message, last at the newest ones",
        "/c/news/since?last=0&id=0|give id or last, not both: id starts at a message, last at the newest ones"})
    void a_bad_last_or_both_id_and_last_are_refused_with_400_and_the_reason(String pathAndReason) {
        TestServer s = start(Store.MEMORY);
        String[] parts = pathAndReason.split("\\|");
        HttpResponse<String> response = s.send(HttpRequest.newBuilder(s.uri(parts[0])).header("Accept", "application/json").GET());
        assertRefused(response, 400, parts[1]);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void last_with_a_log_that_is_gone_is_answered_409(Store store) {
        TestServer s = start(store);
        s.publish("m");
        HttpResponse<String> stale = s.get("/wait?last=5&log=some-older-log");
        assertEquals(409, stale.statusCode(), stale.body());
        assertTrue(stale.body().contains("\"log\":\"" + RedisLogTest.logOf(s) + "\""), stale.body());
        assertEquals(200, s.get("/since?last=5&log=" + RedisLogTest.logOf(s)).statusCode());
    }

    private static List<String> texts(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.messages(response).stream().map(Message::text).toList();
    }

    @Test
    void a_body_over_the_limit_is_answered_413_every_time_never_lost_to_a_reset() {
        TestServer s = start(Store.MEMORY);
        // The server closes the connection after a 413: had it left the body unread, the kernel's
        // reset could destroy the answer before the client read it, now and then.
        for (int i = 0; i < 100; i++) {
            assertRefused(s.postJson("/submit-message", "text=" + "x".repeat(500_000)), 413, "the request body is larger than 65536 bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void bad_publishes_are_refused_with_a_reason_and_store_nothing(Store store) {
        TestServer s = start(store);
        assertRefused(s.postJson("/submit-message", "text="), 400, "the message is empty");
        assertRefused(s.postJson("/submit-message", "text=+%20%0A"), 400, "the message is empty");
        assertRefused(s.postJson("/submit-message", "other=1"), 400, "no 'text' field was sent");
        assertRefused(s.postJson("/submit-message", "text=" + "x".repeat(2_001)), 400, "the message is 2001 characters long; the limit is 2000");
        assertRefused(s.postJson("/submit-message", "text=a%00b"), 400, "the message contains control characters");
        assertRefused(s.postJson("/submit-message", "text=%E2%82"), 400, "form body is not valid UTF-8");
        assertRefused(s.postJson("/submit-message", "text=a&text=b"), 400, "form field 'text' is given more than once");
        assertRefused(s.postJson("/submit-message", "text=" + "x".repeat(70_000)), 413, "the request body is larger than 65536 bytes");
        assertRefused(s.send(HttpRequest.newBuilder(s.uri("/submit-message")).header("Accept", "application/json")
                .header("Authorization", "Bearer " + TestServer.KEY)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("text=x"))),
                415, "send the form as application/x-www-form-urlencoded, or a JSON object as application/json");
        HttpResponse<String> get = s.send(HttpRequest.newBuilder(s.uri("/submit-message?text=sneaky")).header("Accept", "application/json").GET());
        assertRefused(get, 405, "use POST for /submit-message");
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertEquals(405, s.get("/clear-messages").statusCode());

        assertEquals("[]", s.get("/since?id=0").body(), "nothing was stored");
        assertEquals(0, s.publish("x".repeat(2_000)).id(), "no id was used up");
    }

    private static HttpResponse<String> postJsonBody(TestServer s, String path, String json) {
        return s.send(HttpRequest.newBuilder(s.uri(path))
                .header("Authorization", "Bearer " + TestServer.KEY)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_program_publishes_a_json_object_and_is_answered_in_json(Store store) {
        TestServer s = start(store);
        HttpResponse<String> published = postJsonBody(s, "/submit-message", "{\"text\": \"héllo \\u00e9 \\\"quoted\\\"\"}");
        assertEquals(201, published.statusCode(), published.body());
        assertEquals("application/json; charset=utf-8", published.headers().firstValue("Content-Type").orElse(""));
        Message message = Message.fromJson(published.body());
        assertEquals("héllo é \"quoted\"", message.text());
        assertEquals(List.of(message), TestServer.messages(s.get("/since?id=0")));

        HttpResponse<String> cleared = postJsonBody(s, "/clear-messages", "");
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertEquals("[]", s.get("/since?id=0").body());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void bad_json_publishes_are_refused_in_json_with_a_reason_and_store_nothing(Store store) {
        TestServer s = start(store);
        assertRefused(postJsonBody(s, "/submit-message", "[\"text\"]"), 400, "the body is not a JSON object");
        assertRefused(postJsonBody(s, "/submit-message", "{\"text\": 7}"), 400, "\"text\" must be a string");
        assertRefused(postJsonBody(s, "/submit-message", "{\"txt\": \"a\"}"), 400, "unknown member 'txt': a JSON publish has only \"text\"");
        assertRefused(postJsonBody(s, "/submit-message", "{\"text\": \"a\", \"text\": \"b\"}"), 400, "\"text\" is given more than once");
        assertRefused(postJsonBody(s, "/submit-message", "{\"text\": \"a\"} {}"), 400, "the body is not valid JSON");
        assertRefused(postJsonBody(s, "/submit-message", "{'text': 'a'}"), 400, "the body is not valid JSON");
        assertRefused(postJsonBody(s, "/submit-message", "{\"text\": \"a\""), 400, "the body is not valid JSON");
        assertRefused(postJsonBody(s, "/submit-message", "{}"), 400, "no 'text' field was sent");
        assertRefused(postJsonBody(s, "/submit-message", "{\"text\": \" \"}"), 400, "the message is empty");
        assertRefused(postJsonBody(s, "/submit-message", "{\"text\": \"a\\u0000b\"}"), 400, "the message contains control characters");
        byte[] notUtf8 = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'};
        assertRefused(s.send(HttpRequest.newBuilder(s.uri("/submit-message")).header("Authorization", "Bearer " + TestServer.KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8))),
                400, "the body is not valid UTF-8");
        assertRefused(s.send(HttpRequest.newBuilder(s.uri("/submit-message")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"a\"}"))), 401, "the publisher key is missing or wrong");
        assertEquals("[]", s.get("/since?id=0").body(), "nothing was stored");
    }

    private static void assertRefused(HttpResponse<String> response, int status, String reason) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(reason, error(response.body()));
    }

    /** The reason in a JSON error answer. */
    private static String error(String body) {
        return JsonParser.parseString(body).getAsJsonObject().get("error").getAsString();
    }

    private static HttpResponse<String> publishWithKey(TestServer s, String text, String idempotencyKey) {
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
    void the_same_idempotency_key_twice_stores_one_message_and_answers_the_second_with_200_the_same_message_and_the_replay_header(Store store) {
        TestServer s = start(store);
        HttpResponse<String> first = publishWithKey(s, "once", "order-17");
        HttpResponse<String> again = publishWithKey(s, "once", "order-17");
        assertEquals(201, first.statusCode(), first.body());
        assertTrue(first.headers().firstValue("Idempotent-Replayed").isEmpty());
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
        assertEquals(first.body(), again.body(), "the same id, text and time");
        assertEquals(first.headers().firstValue("Location"), again.headers().firstValue("Location"));
        assertEquals(List.of("once"), stored(s));
    }

    /** An idempotency key names the publish, not its text: a repeat is answered with what was stored first, even if its text differs. */
    @ParameterizedTest
    @EnumSource(Store.class)
    void a_repeated_idempotency_key_with_another_text_stores_nothing_and_answers_the_first_message(Store store) {
        TestServer s = start(store);
        Message first = GSON.fromJson(publishWithKey(s, "first", "k").body(), Message.class);
        HttpResponse<String> other = publishWithKey(s, "second", "k");
        assertEquals(200, other.statusCode());
        assertEquals(first, GSON.fromJson(other.body(), Message.class));
        assertEquals(List.of("first"), stored(s));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void different_idempotency_keys_store_different_messages(Store store) {
        TestServer s = start(store);
        assertEquals(201, publishWithKey(s, "a", "key-a").statusCode());
        assertEquals(201, publishWithKey(s, "b", "key-b").statusCode());
        assertEquals(201, s.postJson("/submit-message", "text=no-key").statusCode());
        assertEquals(List.of("a", "b", "no-key"), stored(s));
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void publishes_from_two_threads_sharing_ten_idempotency_keys_store_exactly_ten_messages(Store store) throws Exception {
        TestServer s = start(store);
        Map<String, String> answerByKey = new ConcurrentHashMap<>();
        Runnable publisher = () -> {
            for (int i = 0; i < 50; i++) {
                String key = "shared-" + i % 10;
                HttpResponse<String> response = publishWithKey(s, key, key);
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
    void a_browser_that_posts_the_form_again_with_its_idempotency_key_is_told_the_message_is_already_published(Store store) {
        TestServer s = start(store);
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
    void bad_idempotency_keys_are_refused_with_400_and_a_reason_and_store_nothing(Store store) throws IOException {
        TestServer s = start(store);
        assertKeyRefused(s, "Idempotency-Key: \r\n", "the Idempotency-Key header is empty");
        assertKeyRefused(s, "Idempotency-Key: " + "k".repeat(129) + "\r\n", "the Idempotency-Key is 129 characters long; the limit is 128");
        assertKeyRefused(s, "Idempotency-Key: two words\r\n", "the Idempotency-Key may hold only printable ASCII characters, without spaces");
        assertKeyRefused(s, "Idempotency-Key: tab\there\r\n", "the Idempotency-Key may hold only printable ASCII characters, without spaces");
        assertKeyRefused(s, "Idempotency-Key: caf\u00e9\r\n", "the Idempotency-Key may hold only printable ASCII characters, without spaces");
        assertKeyRefused(s, "Idempotency-Key: a\r\nIdempotency-Key: a\r\n", "the Idempotency-Key header is given more than once");
        assertEquals(List.of(), stored(s));
        assertEquals(201, publishWithKey(s, "x", "k".repeat(128)).statusCode(), "128 printable characters are a key");
        assertEquals(201, publishWithKey(s, "y", "!~\"'{}%").statusCode(), "any printable ASCII is");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void spaces_around_an_idempotency_key_are_not_part_of_it(Store store) throws IOException {
        TestServer s = start(store);
        assertEquals(201, publishWithKey(s, "x", "padded").statusCode());
        String answer = rawRequest(s, rawPublish("Idempotency-Key:   padded  \r\n"));
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertEquals(List.of("x"), stored(s));
    }

    private static void assertKeyRefused(TestServer s, String keyHeaders, String reason) throws IOException {
        String answer = rawRequest(s, rawPublish(keyHeaders));
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertEquals(reason, error(answer.substring(answer.indexOf("\r\n\r\n") + 4)));
    }

    /** A JSON publish of "x" with {@code keyHeaders} (whole lines), as raw HTTP/1.1, ISO-8859-1. */
    private static String rawPublish(String keyHeaders) {
        return "POST /submit-message HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: application/json\r\n"
                + "Authorization: Bearer " + TestServer.KEY + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + keyHeaders + "Content-Length: 6\r\n\r\ntext=x";
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_browser_form_post_gets_the_form_again_with_the_assigned_id(Store store) {
        TestServer s = start(store);
        s.publish("zero");
        HttpResponse<String> response = s.send(HttpRequest.newBuilder(s.uri("/submit-message"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + TestServer.KEY + "&text=%3Cb%3Ehi%3C%2Fb%3E")));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(response.body().contains("Message was assigned ID 1"), response.body());
        assertTrue(response.body().contains("name=\"text\""));

        assertTrue(response.body().contains("value=\"" + TestServer.KEY + "\""), "the form keeps the key for the next post");
        HttpResponse<String> empty = s.send(HttpRequest.newBuilder(s.uri("/submit-message"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + TestServer.KEY + "&text=")));
        assertEquals(400, empty.statusCode());
        assertTrue(empty.body().contains("the message is empty"), "a browser sees the reason on the form page");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_client_following_a_log_that_is_gone_is_told_to_start_again(Store store) {
        TestServer s = start(store);
        s.publish("m");
        HttpResponse<String> since = s.get("/since?id=0");
        String log = since.headers().firstValue("X-Nodecast-Log").orElseThrow();
        assertEquals(200, s.get("/wait?id=0&log=" + log).statusCode());

        HttpResponse<String> stale = s.get("/wait?id=57&log=some-older-log");
        assertEquals(409, stale.statusCode());
        assertTrue(stale.body().contains("\"log\":\"" + log + "\""), stale.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/message-form", "/app.js", "/style.css"})
    void pages_and_their_files_are_served(String path) {
        TestServer s = start(Store.MEMORY);
        HttpResponse<String> response = s.get(path);
        assertEquals(200, response.statusCode(), path);
        assertFalse(response.body().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../nodecast/Main.class", "/..%2fnodecast/Main.class", "/%2e%2e/nodecast/Main.class",
        "/nodecast/Main.class", "/web/index.html", "/simplelogger.properties", "/webjars/../nodecast/Main.class",
        "/webjars/..%2f..%2fnodecast/Main.class", "/%2e%2e%2f%2e%2e%2fetc/passwd", "/../../../../etc/passwd", "/META-INF/MANIFEST.MF",
        "/src/main/java/nodecast/Main.java", "/webjars/", "/webjars/jquery/"})
    void nothing_outside_the_web_folder_is_reachable(String path) throws IOException {
        TestServer s = start(Store.MEMORY);
        String status = rawRequest(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").lines().findFirst().orElse("");
        assertTrue(status.startsWith("HTTP/1.1 404") || status.startsWith("HTTP/1.1 400") || status.startsWith("HTTP/1.1 403"), path + " -> " + status);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_running_server_is_live_and_ready(Store store) {
        TestServer s = start(store);
        assertEquals(200, s.get("/healthz").statusCode());
        HttpResponse<String> ready = s.get("/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"ready\":true"), ready.body());
    }

    @org.junit.jupiter.api.Test
    void the_page_loads_jquery_from_the_webjar_by_version() {
        TestServer s = start(Store.MEMORY);
        String page = s.get("/").body();
        java.util.regex.Matcher jquery = java.util.regex.Pattern.compile("src=\"(/webjars/jquery/[0-9.]+/jquery\\.min\\.js)\"").matcher(page);
        assertTrue(jquery.find(), page);
        HttpResponse<String> script = s.get(jquery.group(1));
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("jQuery"));
    }

    private static String rawRequest(TestServer s, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static void awaitParked(TestServer s, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (s.server.broadcaster().parkedCount() < count) {
            assertTrue(System.nanoTime() < deadline, "requests never parked");
            Thread.onSpinWait();
        }
        assertNotNull(s.server.broadcaster().logId());
    }
}
