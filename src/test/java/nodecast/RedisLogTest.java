package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import nodecast.http.Replies;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis log as several nodecast instances share it: restarts, cross-instance wake-ups, concurrent ids, clears, outages. */
class RedisLogTest {
    @RegisterExtension
    static final SharedRedis shared = new SharedRedis();

    private TestServer instance() {
        return instance(shared.process());
    }

    /** An instance whose wait timeouts never fire unless the test fires them: every answer is what the test says it is. */
    private TestServer instance(RedisProcess on) {
        return shared.closedAfterTest(TestServer.withManualTimeouts(on.uri()));
    }

    @Test
    void the_log_survives_a_restart_and_a_returning_viewer_gets_exactly_what_it_missed() throws Exception {
        TestServer first = instance();
        TestServer second = instance();
        List<Message> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.add(first.publish("before restart " + i));
        }
        // A viewer that has seen everything so far waits on the first instance for id 5.
        CompletableFuture<HttpResponse<String>> viewer = CompletableFuture.supplyAsync(() -> first.get("/wait?id=5"));
        awaitParked(first, 1);

        first.close(); // its timeouts never fire: only the shutdown can answer the viewer
        shared.forget(first);
        assertEquals("[]", viewer.get(5, TimeUnit.SECONDS).body(), "a shutdown answers parked viewers");

        for (int i = 0; i < 3; i++) {
            published.add(second.publish("while the first is down " + i));
        }
        TestServer restarted = instance();
        assertEquals(LongStream.range(0, 8).boxed().toList(), published.stream().map(Message::id).toList());
        for (int k = 0; k <= 8; k++) {
            assertEquals(published.subList(k, 8), TestServer.messages(restarted.get("/since?id=" + k)), "/since?id=" + k);
        }
        assertEquals(published.subList(5, 8), TestServer.messages(restarted.get("/wait?id=5")),
                "the viewer coming back with id 5 gets exactly 5, 6 and 7");
        assertEquals(8, restarted.publish("after restart").id(), "the sequence carries on after the restart");
    }

    @Test
    void viewers_of_channels_that_never_had_a_message_create_nothing_of_them_in_redis_and_keep_their_ids_when_it_comes()
            throws Exception {
        RedisProcess redis = shared.process();
        TestServer a = instance();
        TestServer b = instance();
        for (int i = 0; i < 300; i++) {
            TestServer on = i % 2 == 0 ? a : b;
            assertEquals("[]", on.get("/c/junk" + i + "/since?id=0").body());
            assertEquals("[]", on.get("/c/junk" + i + "/since?last=5").body());
        }
        HttpResponse<String> before = b.get("/c/news/since?id=0");
        String log = before.headers().firstValue(Replies.LOG_HEADER.toString()).orElseThrow();
        assertEquals(log, logOf(a, "news"), "every instance names the same log for a channel that has none yet");
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> b.get("/c/news/wait?id=0&log=" + log));
        awaitTrue(() -> b.server.channels().parkedCount() == 1, "the viewer of channel news never parked");
        assertEquals(200, a.postJson("/c/nothing/clear-messages", "").statusCode(), "clearing an empty channel is no error");
        List<String> keys = List.of(redis.bulkLines("KEYS *"));
        assertTrue(keys.stream().noneMatch(key -> key.contains(":c:")), "reads made keys of the channels they read: " + keys);
        assertTrue(keys.stream().allMatch(key -> key.matches("nodecast:\\{p\\d+\\}:logs")) && keys.size() <= 64,
                "beyond one record per partition, reads made keys: " + keys);

        Message first = a.publish("news", "the first message of the channel");
        HttpResponse<String> woken = waiting.get(5, TimeUnit.SECONDS);
        assertEquals(200, woken.statusCode(), "the viewer's log is the channel's first log: " + woken.body());
        assertEquals(List.of(first), TestServer.messages(woken));
        assertEquals(log, woken.headers().firstValue(Replies.LOG_HEADER.toString()).orElseThrow());
        assertTrue(redis.command("EXISTS " + DefaultChannelKeys.partitionTag("news") + ":c:news:seq").equals(":1"), "a publish makes the channel");
    }

    @Test
    void a_channel_whose_keys_were_deleted_gets_a_log_of_another_id_when_published_again() {
        RedisProcess redis = shared.process();
        TestServer s = instance();
        s.publish("news", "first life");
        String first = logOf(s, "news");
        String tag = DefaultChannelKeys.partitionTag("news");
        assertEquals(":3", redis.command("DEL " + tag + ":c:news:seq " + tag + ":c:news:log " + tag + ":c:news:log-id"));

        s.publish("news", "second life");
        awaitTrue(() -> !logOf(s, "news").equals(first), "the channel made again kept the id of its first log");
        assertEquals(List.of("second life"), TestServer.messages(s.get("/c/news/since?id=0")).stream().map(Message::text).toList());
    }

    @Test
    void a_log_that_lost_its_log_id_is_renewed_and_a_publish_to_it_is_stored_once_and_answered_so() throws Exception {
        RedisProcess redis = shared.process();
        TestServer s = instance();
        TestServer other = instance();
        s.publish("before the damage");
        String log = logOf(s);
        CompletableFuture<HttpResponse<String>> viewer = CompletableFuture.supplyAsync(() -> other.get("/wait?id=1&log=" + log));
        awaitParked(other, 1);
        assertEquals(":1", redis.command("DEL " + DefaultChannelKeys.LOG_ID));

        HttpResponse<String> stored = post(s, "after the damage", "order-1");
        assertEquals(201, stored.statusCode(), stored.body());
        HttpResponse<String> retried = post(s, "after the damage", "order-1");
        assertEquals(200, retried.statusCode(), "the retry finds the message stored: " + retried.body());
        assertEquals(":2", redis.command("ZCARD " + DefaultChannelKeys.LOG), "stored once");

        HttpResponse<String> moved = viewer.get(5, TimeUnit.SECONDS);
        String renewed = redis.bulk("GET " + DefaultChannelKeys.LOG_ID);
        assertFalse(renewed.isEmpty() || renewed.equals(log), "the log id was made anew");
        assertTrue(moved.statusCode() == 409 || moved.headers().firstValue(Replies.LOG_HEADER.toString()).orElse("").equals(renewed),
                "the viewer was moved to the renewed log: " + moved.statusCode() + " " + moved.body());
        awaitTrue(() -> logOf(other).equals(renewed), "the other instance follows the renewed log");
        assertEquals(List.of("before the damage", "after the damage"),
                TestServer.messages(other.get("/since?id=0")).stream().map(Message::text).toList());
    }

    @Test
    void a_read_that_finds_the_log_id_gone_renews_the_log() {
        RedisProcess redis = shared.process();
        TestServer s = instance();
        s.publish("kept");
        String log = logOf(s);
        assertEquals(":1", redis.command("DEL " + DefaultChannelKeys.LOG_ID));
        redis.command("CLIENT KILL TYPE pubsub"); // the resync reads the damaged log

        awaitTrue(() -> !logOf(s).equals(log), "the instance never moved off the log whose id is gone");
        assertEquals(logOf(s), redis.bulk("GET " + DefaultChannelKeys.LOG_ID));
        assertEquals(List.of("kept"), TestServer.messages(s.get("/since?id=0")).stream().map(Message::text).toList());
    }

    @Test
    void a_message_that_utf_8_cannot_carry_is_refused_400_so_the_copy_held_never_differs_from_redis_and_renews_nothing() {
        TestServer s = instance();
        s.publish("before");
        // A lone surrogate: JSON can escape it, but no UTF-8 (what Redis stores, what viewers receive) can carry it.
        HttpResponse<String> refused = s.send(java.net.http.HttpRequest.newBuilder(s.uri("/submit-message"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestServer.KEY)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\": \"a\\ud800b\"}")));
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(":1", shared.process().command("ZCARD " + DefaultChannelKeys.LOG), "nothing stored");
        s.publish("after");
        assertEquals(0, TestServer.messages(s.get("/since?id=0")).get(0).id(), "the log was not renewed");
        assertFalse(s.get("/metrics").body().contains("nodecast_log_renewals_total 1.0"));
    }

    private static HttpResponse<String> post(TestServer s, String text, String idempotencyKey) {
        return s.send(java.net.http.HttpRequest.newBuilder(s.uri("/submit-message"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + TestServer.KEY)
                .header("Idempotency-Key", idempotencyKey)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("text=" + java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void two_deployments_with_their_own_prefix_share_a_redis_without_seeing_each_other() {
        java.net.URI uri = shared.process().uri();
        TestServer blue = shared.closedAfterTest(TestServer.start(TestServer.config(uri, TestServer.WAIT_TIMEOUT, 0).toBuilder()
                .redisPrefix("blue").build(), java.time.Clock.systemUTC()));
        TestServer green = shared.closedAfterTest(TestServer.start(TestServer.config(uri, TestServer.WAIT_TIMEOUT, 0).toBuilder()
                .redisPrefix("green").build(), java.time.Clock.systemUTC()));
        assertEquals(0, blue.publish("blue 0").id());
        assertEquals(0, green.publish("green 0").id(), "each deployment has its own sequence");
        assertEquals(List.of("blue 0"), TestServer.messages(blue.get("/since?id=0")).stream().map(Message::text).toList());
        assertEquals(List.of("green 0"), TestServer.messages(green.get("/since?id=0")).stream().map(Message::text).toList());
    }

    @Test
    void a_wait_parked_on_one_instance_is_woken_quickly_by_a_publish_on_another() throws Exception {
        TestServer a = instance();
        TestServer b = instance();
        assertWokenAcrossInstances(a, List.of(b), 0);
        assertWokenAcrossInstances(b, List.of(a), 1);
    }

    @Test
    void with_three_instances_a_publish_on_one_wakes_waits_parked_on_the_other_two() throws Exception {
        TestServer a = instance();
        TestServer b = instance();
        TestServer c = instance();
        assertWokenAcrossInstances(a, List.of(b, c), 0);
        assertWokenAcrossInstances(c, List.of(a, b), 1);
        assertWokenAcrossInstances(b, List.of(a, c), 2);
    }

    private static void assertWokenAcrossInstances(TestServer publisher, List<TestServer> viewers, long id) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
        for (TestServer viewer : viewers) {
            waits.add(CompletableFuture.supplyAsync(() -> viewer.get("/wait?id=" + id)));
            awaitParked(viewer, 1);
        }
        Message message = publisher.publish("message " + id);
        assertEquals(id, message.id());
        for (CompletableFuture<HttpResponse<String>> wait : waits) {
            assertEquals(List.of(message), TestServer.messages(wait.get(5, TimeUnit.SECONDS)));
        }
        for (TestServer viewer : viewers) {
            awaitTrue(() -> viewer.server.broadcaster().parkedCount() == 0, "a woken wait stays parked");
        }
    }

    @Test
    void concurrent_publishes_on_several_instances_get_unique_contiguous_ids() throws Exception {
        List<TestServer> instances = List.of(instance(), instance());
        String log = logOf(instances.get(0));
        int threads = 4;
        int perThread = 50;
        Map<Long, String> textById = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                TestServer on = instances.get(t % instances.size());
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String text = "thread " + thread + " message " + i;
                        Message message = on.publish(text);
                        String earlier = textById.putIfAbsent(message.id(), text);
                        assertEquals(null, earlier, "id " + message.id() + " given to both '" + earlier + "' and '" + text + "'");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = threads * perThread;
        assertEquals(LongStream.range(0, total).boxed().toList(), new ArrayList<>(new TreeMap<>(textById).keySet()),
                "publishes were answered with ids 0.." + (total - 1));
        for (TestServer on : instances) {
            // An instance hears the other's last publishes a moment after they are answered.
            awaitTrue(() -> TestServer.messages(on.get("/since?id=0")).size() == total, "every message reaches every instance");
            HttpResponse<String> since = on.get("/since?id=0");
            assertEquals(log, since.headers().firstValue(Replies.LOG_HEADER.toString()).orElse(null),
                    "the ids still belong to the log viewers started with: nothing was lost, so it must not be replaced");
            List<Message> messages = TestServer.messages(since);
            assertEquals(LongStream.range(0, total).boxed().toList(), messages.stream().map(Message::id).toList());
            for (Message m : messages) {
                assertEquals(textById.get(m.id()), m.text(), "text of id " + m.id());
            }
        }
    }

    @Test
    void ids_older_than_the_log_keeps_are_answered_from_memory_without_reading_redis() throws Exception {
        TestServer s = TestServer.start(TestServer.config(shared.process().uri(), TestServer.WAIT_TIMEOUT, 0).toBuilder().maxMessages(5).build(),
                java.time.Clock.systemUTC());
        shared.closedAfterTest(s);
        for (int i = 0; i < 8; i++) {
            s.publish("message " + i);
        }
        List<Long> kept = List.of(3L, 4L, 5L, 6L, 7L);
        assertEquals(kept, TestServer.messages(s.get("/since?id=0")).stream().map(Message::id).toList(), "the newest 5");
        assertEquals(kept, TestServer.messages(s.get("/wait?id=1")).stream().map(Message::id).toList());
        assertEquals(200, s.postJson("/clear-messages", "").statusCode());
        CompletableFuture<HttpResponse<String>> afterClear = CompletableFuture.supplyAsync(() -> s.get("/wait?id=0"));
        awaitParked(s, 1);
        Message next = s.publish("after the clear");
        assertEquals(List.of(next), TestServer.messages(afterClear.get(5, TimeUnit.SECONDS)), "an old id waits for the next message");
        assertTrue(!s.get("/metrics").body().contains("purpose=\"old-ids\""), "Redis was read for old ids");
    }

    @Test
    void a_clear_on_one_instance_keeps_the_id_sequence_on_the_others() throws Exception {
        TestServer a = instance();
        TestServer b = instance();
        a.publish("zero");
        b.publish("one");
        HttpResponse<String> cleared = a.postJson("/clear-messages", "");
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertEquals("[]", a.get("/since?id=0").body());
        awaitTrue(() -> "[]".equals(b.get("/since?id=0").body()), "the other instance hears of the clear");

        CompletableFuture<HttpResponse<String>> oldViewer = CompletableFuture.supplyAsync(() -> a.get("/wait?id=2"));
        awaitParked(a, 1);
        Message next = b.publish("two");
        assertEquals(2, next.id(), "ids carry on across the clear");
        assertEquals(List.of(next), TestServer.messages(oldViewer.get(5, TimeUnit.SECONDS)));
        assertEquals(List.of(next), TestServer.messages(a.get("/since?id=0")));
        assertEquals(List.of(next), TestServer.messages(b.get("/since?id=0")));
    }

    @Test
    void with_redis_down_publishing_is_refused_waits_still_time_out_and_the_instance_recovers_by_itself() throws Exception {
        try (RedisProcess own = RedisProcess.start()) {
            TestServer s = instance(own);
            Message before = s.publish("before the outage");
            CompletableFuture<HttpResponse<String>> parkedBefore = CompletableFuture.supplyAsync(() -> s.get("/wait?id=1"));
            awaitParked(s, 1);

            own.stop();
            // Redis was gone before these were sent: nothing can have been stored, so 503, never 504 ("may be stored").
            long sent = System.nanoTime();
            HttpResponse<String> refused = s.postJson("/submit-message", "text=lost");
            assertTrue(elapsed(sent).compareTo(Duration.ofSeconds(3)) < 0, "refused within the client's timeouts");
            assertEquals(503, refused.statusCode(), refused.body());
            String reason = JsonParser.parseString(refused.body()).getAsJsonObject().get("error").getAsString();
            assertTrue(reason.startsWith("message not stored: Redis (127.0.0.1:" + own.port() + ")"), reason);
            HttpResponse<String> notCleared = s.postJson("/clear-messages", "");
            assertEquals(503, notCleared.statusCode(), notCleared.body());

            CompletableFuture<HttpResponse<String>> parkedDuring = CompletableFuture.supplyAsync(() -> s.get("/wait?id=1"));
            awaitParked(s, 2);
            assertFalse(parkedBefore.isDone() || parkedDuring.isDone(), "the outage answered nobody");
            assertEquals(2, s.timeouts.fireAll());
            assertEquals("[]", parkedBefore.get(5, TimeUnit.SECONDS).body(), "a wait parked before the outage times out as usual");
            HttpResponse<String> during = parkedDuring.get(5, TimeUnit.SECONDS);
            assertEquals(200, during.statusCode());
            assertEquals("[]", during.body(), "a wait sent during the outage parks and times out as usual");
            assertEquals(List.of(before), TestServer.messages(s.get("/since?id=0")), "the refused message was not stored");
            assertEquals(0, s.server.broadcaster().parkedCount());

            own.restart();
            Message after = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (after == null) {
                HttpResponse<String> response = s.postJson("/submit-message", "text=after+the+outage");
                if (response.statusCode() == 201) {
                    after = Message.fromJson(response.body());
                } else {
                    assertEquals(503, response.statusCode(), response.body());
                    assertTrue(System.nanoTime() < deadline, "the instance never recovered: " + response.body());
                    Thread.sleep(50);
                }
            }
            assertEquals("after the outage", after.text());
            assertEquals(0, after.id(), "the restarted Redis is empty, so a new log starts at 0");
            Message recovered = after;
            awaitTrue(() -> TestServer.messages(s.get("/since?id=0")).equals(List.of(recovered)),
                    "the instance serves the new log");
            shared.forget(s);
            s.close(); // while its Redis is still up
        }
    }

    @Test
    void while_redis_loads_its_data_the_instance_is_not_ready_and_it_serves_again_once_redis_has_loaded() throws Exception {
        try (RedisProcess own = RedisProcess.start("--save", "", "--appendonly", "no", "--enable-debug-command", "yes")) {
            TestServer s = shared.closedAfterTest(TestServer.start(own.uri(), TestServer.WAIT_TIMEOUT));
            Message kept = s.publish("kept across the restart");
            assertEquals("OK", own.command("DEBUG POPULATE 200000 filler").substring(1));
            assertEquals("+OK", own.command("SAVE"));

            // Loading 200,000 keys at 20 µs each takes Redis about 4 s; meanwhile it answers LOADING, but lets subscriptions in.
            own.restartLoading("--key-load-delay", "20", "--loading-process-events-interval-bytes", "1024");
            boolean resubscribedWhileLoading = false;
            while (own.bulk("INFO persistence").contains("loading:1")) {
                HttpResponse<String> ready = s.get("/readyz");
                assertEquals(503, ready.statusCode(), "ready while Redis could not be read: " + ready.body()
                        + "; resubscribed while loading: " + resubscribedWhileLoading);
                resubscribedWhileLoading |= own.bulk("CLIENT LIST TYPE pubsub").contains("name=nodecast");
                Thread.sleep(50);
            }
            assertTrue(resubscribedWhileLoading, "the instance never resubscribed while Redis loaded: the test proved nothing");
            awaitTrue(() -> s.get("/readyz").statusCode() == 200, "not ready again once Redis loaded");
            Message after = s.publish("after the restart");
            assertEquals(List.of(kept, after), TestServer.messages(s.get("/since?id=0")));
        }
    }

    static String logOf(TestServer s) {
        return logOf(s, "default");
    }

    static String logOf(TestServer s, String channel) {
        return s.get("/c/" + channel + "/since?id=0").headers().firstValue(Replies.LOG_HEADER.toString()).orElseThrow();
    }

    static void awaitParked(TestServer s, int count) {
        awaitTrue(() -> s.server.broadcaster().parkedCount() >= count, "requests never parked");
    }

    static void awaitTrue(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
        }
    }

    private static Duration elapsed(long since) {
        return Duration.ofNanos(System.nanoTime() - since);
    }
}
