package nodecast;

import static nodecast.RedisLogTest.awaitParked;
import static nodecast.RedisLogTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import nodecast.http.Replies;
import nodecast.log.Appended;
import nodecast.log.ChannelName;
import nodecast.log.Message;
import nodecast.log.MessageLog;
import nodecast.log.redis.RedisMessageStore;
import nodecast.log.redis.RedisSync;
import nodecast.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The failure paths of the Redis sync, each reproduced on purpose: Redis failing right after a
 * write, a relaying instance seeing the sequence go back, a listener slow to take a new log, a
 * subscription gone silent, a lost last write, retried publishes. Faults are made by hand (keys
 * rewritten as a failover would leave them, subscriptions killed, a proxy that cuts or freezes
 * connections), never waited for.
 */
class RedisSyncTest {
    /** Long enough that a viewer answered before it was a viewer told, not one timed out. */
    private static final Duration LONG_WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final SharedRedis shared = new SharedRedis();

    private static RedisProcess redis() {
        return shared.process();
    }

    private <T extends AutoCloseable> T started(T thing) {
        return shared.closedAfterTest(thing);
    }

    private TestServer instance(java.net.URI uri, Duration waitTimeout) {
        return started(TestServer.start(uri, waitTimeout));
    }

    /** Channel {@code default} of a store of its own on the test Redis, told to {@code listener}, with a short heartbeat. */
    private MessageLog log(MessageLog.Listener listener) {
        return log(listener, 1_000);
    }

    private MessageLog log(MessageLog.Listener listener, int maxMessages) {
        RedisMessageStore store = started(new RedisMessageStore(redis().uri(), "nodecast", maxMessages, Duration.ofSeconds(1), Clock.systemUTC(), new Metrics(),
                new RedisSync.Timings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1))));
        MessageLog log = started(store.channel(ChannelName.DEFAULT));
        log.start(listener);
        return log;
    }

    private static String logOf(TestServer s) {
        return s.get("/since?id=0").headers().firstValue(Replies.LOG_HEADER.toString()).orElseThrow();
    }

    private static String field(HttpResponse<String> response, String name) {
        return JsonParser.parseString(response.body()).getAsJsonObject().get(name).getAsString();
    }

    private static CompletableFuture<HttpResponse<String>> waitOn(TestServer s, String query) {
        return CompletableFuture.supplyAsync(() -> s.get("/wait?" + query));
    }

    // 1. A stored message answered as not stored.
    @Test
    void a_publish_redis_stored_is_answered_201_even_when_redis_fails_right_after_it() throws Exception {
        RedisProxy proxy = started(RedisProxy.to(redis()));
        TestServer s = instance(proxy.uri(), TestServer.WAIT_TIMEOUT);
        s.publish("before the flush");
        // The first publish after a flush finds a new log: the path that used to read the log again before answering.
        assertEquals("+OK", redis().command("FLUSHALL"));
        proxy.cutAfterReplyTo("ZADD");

        HttpResponse<String> answer = s.postJson("/submit-message", "text=stored");

        assertEquals(201, answer.statusCode(), "the message is stored, so the publisher must hear so: " + answer.body());
        assertEquals(":1", redis().command("ZCARD " + DefaultChannelKeys.LOG), "stored once");
        proxy.heal();
        awaitTrue(() -> TestServer.messages(s.get("/since?id=0")).stream().map(Message::text).toList().equals(List.of("stored")),
                "the instance follows the new log once Redis is back");
    }

    // 2. Publish retries create duplicates.
    @Test
    void a_publish_repeating_an_idempotency_key_on_another_instance_stores_nothing_and_returns_the_first_message() {
        MessageLog a = log(new StoryListener());
        MessageLog b = log(new StoryListener());

        Appended first = a.append("first", "order-17");
        Appended retry = b.append("retried, perhaps changed", "order-17");
        Appended other = b.append("another", "order-18");

        assertFalse(first.replayed());
        assertTrue(retry.replayed());
        assertEquals(first.message(), retry.message(), "the retry is answered with the message first stored");
        assertFalse(other.replayed());
        assertEquals(1, other.message().id());
        assertEquals(":2", redis().command("ZCARD " + DefaultChannelKeys.LOG));
    }

    @Test
    void concurrent_retries_on_two_instances_store_each_idempotency_key_once() throws Exception {
        List<MessageLog> logs = List.of(log(new StoryListener()), log(new StoryListener()));
        Set<Message> answered = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                MessageLog on = logs.get(t % 2);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        answered.add(on.append("text " + i % 10, "key-" + i % 10).message());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, answered.size(), "400 publishes over 10 keys answered with 10 messages: " + answered);
        assertEquals(":10", redis().command("ZCARD " + DefaultChannelKeys.LOG));
    }

    @Test
    void the_keys_of_the_last_max_messages_keyed_publishes_are_remembered() {
        MessageLog log = log(new StoryListener(), 3);
        for (int i = 0; i < 4; i++) {
            log.append("message " + i, "key-" + i);
        }
        assertTrue(log.append("again", "key-1").replayed(), "key-1 is among the last 3 keys");
        assertFalse(log.append("again", "key-0").replayed(), "key-0 was the 4th key back, so it is forgotten");
    }

    // 4. A relaying instance cannot see the sequence go back.
    @Test
    void an_instance_that_only_relayed_messages_notices_the_sequence_go_back_and_moves_its_viewers_to_a_new_log() throws Exception {
        TestServer relay = instance(redis().uri(), LONG_WAIT);
        try (TestServer publisher = TestServer.start(redis().uri())) {
            for (int i = 0; i < 10; i++) {
                publisher.publish("message " + i);
            }
        } // only the relay is left to notice
        awaitTrue(() -> TestServer.messages(relay.get("/since?id=0")).size() == 10, "the relay has every message");
        String log = logOf(relay);
        CompletableFuture<HttpResponse<String>> viewer = waitOn(relay, "id=10&log=" + log);
        awaitParked(relay, 1);

        // A failover to a replica that missed ids 7 to 9: the same log id, the sequence back at 7, subscriptions cut.
        assertEquals("+OK", redis().command("SET " + DefaultChannelKeys.SEQ + " 7"));
        assertEquals(":3", redis().command("ZREMRANGEBYSCORE " + DefaultChannelKeys.LOG + " 7 +inf"));
        redis().command("CLIENT KILL TYPE pubsub");

        HttpResponse<String> answer = viewer.get(10, TimeUnit.SECONDS);
        assertEquals(409, answer.statusCode(), "the viewer waiting for id 10 must be moved, not left waiting: " + answer.body());
        assertNotEquals(log, field(answer, "log"));
        assertEquals(field(answer, "log"), logOf(relay));
        assertTrue(relay.get("/metrics").body().contains("nodecast_log_renewals_total 1.0"));
    }

    // 5, 6, 7. The listener hears calls at once, from publishing threads, a stale resync, a new log taken for the old.
    @Test
    void a_listener_slow_to_take_a_new_log_hears_one_ordered_story_from_one_thread() throws Exception {
        StoryListener story = new StoryListener();
        MessageLog a = log(story);
        MessageLog b = log(new StoryListener());
        a.append("zero", null);
        b.append("one", null);
        awaitTrue(() -> story.next() == 2, "a has both messages");

        assertEquals("+OK", redis().command("FLUSHALL"));
        CountDownLatch held = story.holdNextSync();
        CompletableFuture<Appended> first = CompletableFuture.supplyAsync(() -> a.append("first of the new log", null));
        assertTrue(held.await(10, TimeUnit.SECONDS), "a never synced to the new log");
        // While a's listener takes the new log, more of it is published and heard.
        b.append("second of the new log", null);
        b.append("third of the new log", null);
        try (RedisSubscriber witness = RedisSubscriber.on(redis(), DefaultChannelKeys.EVENTS)) {
            b.append("fourth of the new log", null);
            witness.awaitMessageContaining("fourth of the new log");
        }
        story.letGo();

        assertEquals(0, first.get(10, TimeUnit.SECONDS).message().id());
        awaitTrue(() -> story.next() == 4, "a has the whole new log");
        assertEquals(List.of(), story.violations());
        assertEquals(1, story.callers().size(), "every call from one thread: " + story.callers());
        assertFalse(story.callers().contains(Thread.currentThread()));
    }

    // 8. A concurrent resync renews a healthy log.
    @Test
    void a_flush_under_concurrent_publishing_on_two_instances_moves_both_to_one_new_log_and_renews_nothing() throws Exception {
        TestServer a = instance(redis().uri(), TestServer.WAIT_TIMEOUT);
        TestServer b = instance(redis().uri(), TestServer.WAIT_TIMEOUT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                TestServer on = t % 2 == 0 ? a : b;
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        if (thread == 0 && i == 20) {
                            assertEquals("+OK", redis().command("FLUSHALL"));
                        }
                        on.publish("thread " + thread + " message " + i);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        String current = redis().bulk("GET " + DefaultChannelKeys.LOG_ID);
        for (TestServer on : List.of(a, b)) {
            awaitTrue(() -> logOf(on).equals(current), "both instances follow the log Redis holds");
            assertFalse(on.get("/metrics").body().contains("nodecast_log_renewals_total 1.0"), "a healthy log was renewed");
        }
    }

    // 9. A silently dead subscription goes unnoticed.
    @Test
    void an_instance_whose_subscription_goes_silent_says_it_is_not_ready_then_resubscribes_and_catches_up() throws Exception {
        RedisProxy proxy = started(RedisProxy.to(redis()));
        TestServer deaf = instance(proxy.uri(), LONG_WAIT);
        TestServer other = instance(redis().uri(), TestServer.WAIT_TIMEOUT);
        CompletableFuture<HttpResponse<String>> viewer = waitOn(deaf, "id=0");
        awaitParked(deaf, 1);

        proxy.freezeSubscriptions();
        Message missed = other.publish("published while the subscription is silent");
        awaitTrue(() -> deaf.get("/readyz").statusCode() == 503, "the deaf instance still says it is ready");
        assertTrue(deaf.get("/readyz").body().contains("not subscribed"), deaf.get("/readyz").body());

        proxy.heal();
        assertEquals(List.of(missed), TestServer.messages(viewer.get(15, TimeUnit.SECONDS)));
        awaitTrue(() -> deaf.get("/readyz").statusCode() == 200, "ready again once subscribed");
        assertTrue(deaf.get("/metrics").body().contains("nodecast_redis_subscription_reconnects_total{cause=\"deaf\"}"));
    }

    @Test
    void subscriptions_killed_again_and_again_under_load_lose_nothing_repeat_nothing_and_renew_nothing() throws Exception {
        TestServer a = instance(redis().uri(), TestServer.WAIT_TIMEOUT);
        TestServer b = instance(redis().uri(), TestServer.WAIT_TIMEOUT);
        List<java.net.URI> both = List.of(java.net.URI.create("http://127.0.0.1:" + a.port()), java.net.URI.create("http://127.0.0.1:" + b.port()));
        List<Viewer> viewers = new ArrayList<>();
        for (int v = 0; v < 6; v++) {
            viewers.add(started(Viewer.follow(v % 2 == 0 ? both : List.of(both.get(1), both.get(0)))));
        }
        Map<Long, String> textById = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> publishers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                TestServer on = t % 2 == 0 ? a : b;
                int thread = t;
                publishers.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        Message m = on.publish("thread " + thread + " message " + i);
                        textById.put(m.id(), m.text());
                    }
                }));
            }
            // Every subscription dropped every 50 ms while the publishers run: gaps, resyncs and replays without end.
            Future<?> killer = pool.submit(() -> {
                while (publishers.stream().anyMatch(p -> !p.isDone())) {
                    redis().command("CLIENT KILL TYPE pubsub");
                    Thread.sleep(50);
                }
                return null;
            });
            for (Future<?> p : publishers) {
                p.get(60, TimeUnit.SECONDS);
            }
            killer.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        int total = textById.size();
        assertEquals(600, total, "every publish got an id of its own");
        List<String> expected = new java.util.TreeMap<>(textById).values().stream().toList();
        for (Viewer viewer : viewers) {
            viewer.awaitCount(total, Duration.ofSeconds(30));
            assertEquals(expected, viewer.texts(), "every message once, in id order");
            assertEquals(1, viewer.seen().stream().map(Viewer.Seen::log).distinct().count(), "no log was replaced");
        }
        for (TestServer on : List.of(a, b)) {
            String metrics = on.get("/metrics").body();
            assertFalse(metrics.contains("nodecast_log_renewals_total 1.0"), "nothing went back, so nothing may be renewed");
            assertTrue(metrics.contains("nodecast_redis_resyncs_total{cause=\"subscribed\"}"), "the subscriptions were dropped and read afresh");
        }
    }

    // Section 1 of issue 16: a healthy Redis must never look deaf.
    @Test
    void a_blip_on_the_subscription_costs_a_read_of_what_was_missed_not_of_every_channel_whole() throws Exception {
        try (RedisProcess own = RedisProcess.start()) {
            TestServer s = instance(own.uri(), TestServer.WAIT_TIMEOUT);
            List<String> channels = List.of("big-0", "big-1", "big-2");
            String text = "x".repeat(1_900);
            for (int i = 0; i < 300; i++) {
                for (String channel : channels) {
                    s.publish(channel, text + i);
                }
            }
            long tails = 0;
            for (String channel : channels) {
                tails += s.get("/c/" + channel + "/since?id=0").body().length(); // follows it, and counts what it holds
            }
            long readsBefore = count(s, "nodecast_log_reads_total{purpose=\"resync\"}");
            long sentBefore = outputBytes(own);

            own.command("CLIENT KILL TYPE pubsub");
            awaitTrue(() -> count(s, "nodecast_log_reads_total{purpose=\"resync\"}") >= readsBefore + channels.size() + 1,
                    "every followed channel read again after the blip");
            awaitTrue(() -> s.get("/readyz").statusCode() == 200, "ready again");
            long sent = outputBytes(own) - sentBefore;

            System.out.printf("a pub/sub blip with %d channels holding %,d bytes of messages cost %,d bytes of Redis replies%n",
                    channels.size(), tails, sent);
            assertTrue(sent < tails / 20, "a blip that missed nothing re-read " + sent + " bytes of " + tails);
            for (String channel : channels) {
                assertEquals(300, TestServer.messages(s.get("/c/" + channel + "/since?id=0")).size());
            }
        }
    }

    @Test
    void resync_reads_that_redis_answers_slowly_never_hold_up_the_heartbeat_nor_make_a_healthy_instance_deaf() throws Exception {
        RedisProxy proxy = started(RedisProxy.to(redis()));
        Metrics metrics = new Metrics();
        StoryListener story = new StoryListener();
        RedisMessageStore store = started(new RedisMessageStore(proxy.uri(), "nodecast", 1_000, Duration.ofSeconds(1), Clock.systemUTC(), metrics,
                new RedisSync.Timings(Duration.ofMillis(200), Duration.ofMillis(1_500), Duration.ofSeconds(1))));
        MessageLog log = started(store.channel(ChannelName.DEFAULT));
        log.start(story);
        log.append("before the blip", null);
        awaitTrue(() -> story.next() == 1, "synced");

        // Redis takes longer to answer the resync's read than the instance waits for its heartbeat (but less than the
        // client's 2 s timeout); the heartbeat itself is answered at once.
        proxy.answerSlowly("'ZRANGE'", Duration.ofMillis(1_900));
        redis().command("CLIENT KILL TYPE pubsub");
        Awaiting.poll(() -> proxy.slowAnswersHeld() == 1, Duration.ofSeconds(10), "the resync's read held back");
        long beatsBefore = calls(redis(), "spublish");
        Awaiting.poll(() -> proxy.slowAnswersGiven() == 1, Duration.ofSeconds(10), "the resync's read answered");
        long beatsDuring = calls(redis(), "spublish") - beatsBefore;
        awaitTrue(() -> metrics.scrape().contains("nodecast_log_reads_total{purpose=\"resync\"} 2.0"), "read again after the blip");
        Thread.sleep(1_500); // a heartbeat's worth more, so a deaf instance would have said so
        proxy.heal();

        assertTrue(beatsDuring >= 4, "heartbeats sent while a read took 1.9 s (one every 200 ms is due): " + beatsDuring);
        assertFalse(metrics.scrape().contains("cause=\"deaf\""), "a slow read made the instance deaf: " + metrics.scrape().lines()
                .filter(line -> line.startsWith("nodecast_redis")).toList());
        assertEquals(null, store.problem());
        assertEquals(List.of(), story.violations());
    }

    @Test
    void a_stalled_sync_leaves_the_backlog_to_redis_which_cuts_the_subscriber_and_nothing_is_lost() throws Exception {
        assertEquals("+OK", redis().command("CONFIG SET client-output-buffer-limit \"pubsub 1mb 0 0\""));
        try {
            Metrics metrics = new Metrics();
            StoryListener story = new StoryListener();
            RedisMessageStore store = started(new RedisMessageStore(redis().uri(), "nodecast", 1_000, Duration.ofSeconds(1), Clock.systemUTC(), metrics,
                    new RedisSync.Timings(Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(1))));
            MessageLog held = started(store.channel(ChannelName.DEFAULT));
            held.start(story);
            MessageLog publisher = log(new StoryListener());
            publisher.append("zero", null);
            awaitTrue(() -> story.next() == 1, "synced");

            CountDownLatch stalled = story.holdNextCall();
            publisher.append("one", null);
            assertTrue(stalled.await(10, TimeUnit.SECONDS), "the sync never handed over message one");
            // 20 MB of events on the partition's channel while the sync thread is stuck in the listener, at
            // a pace any subscriber thread keeps up with: only one that stops reading leaves them to Redis.
            String event = "default " + story.logId() + " " + "y".repeat(1_000);
            try (redis.clients.jedis.Jedis flood = new redis.clients.jedis.Jedis("127.0.0.1", redis().port())) {
                for (int batch = 0; batch < 40; batch++) {
                    redis.clients.jedis.Pipeline pipeline = flood.pipelined();
                    for (int i = 0; i < 500; i++) {
                        pipeline.sendCommand(redis.clients.jedis.Protocol.Command.SPUBLISH, DefaultChannelKeys.EVENTS, event);
                    }
                    pipeline.sync();
                    Thread.sleep(100);
                }
            }
            story.letGo();
            publisher.append("two", null);

            Awaiting.poll(() -> metrics.scrape().contains("nodecast_redis_subscription_reconnects_total{cause=\"lost\"}"),
                    Duration.ofSeconds(30), "Redis to cut the subscriber (else the instance took the whole backlog into memory)");
            awaitTrue(() -> story.next() == 3, "the stalled instance caught up");
            assertEquals(List.of(), story.violations());
        } finally {
            redis().command("CONFIG SET client-output-buffer-limit \"pubsub 32mb 8mb 60\"");
        }
    }

    // Section 2 of issue 16: a failover that loses a write is always noticed.
    @Test
    void a_write_lost_in_a_failover_is_noticed_by_an_instance_that_only_relayed_it() throws Exception {
        RedisProxy proxy = started(RedisProxy.to(redis()));
        TestServer relay = instance(proxy.uri(), LONG_WAIT);
        TestServer publisher = instance(redis().uri(), TestServer.WAIT_TIMEOUT); // never follows channel news
        Viewer viewer = started(Viewer.followChannel(List.of(java.net.URI.create("http://127.0.0.1:" + relay.port())), "news"));
        for (String text : List.of("m0", "m1", "lost")) {
            publisher.publish("news", text);
        }
        viewer.awaitCount(3, LONG_WAIT);
        String log = viewer.seen().get(0).log();

        // The relay stays away while Redis loses id 2 with every subscription, and the publisher is given id 2 again.
        proxy.refuseNewConnections();
        String tag = DefaultChannelKeys.partitionTag("news");
        assertEquals("*3", redis().transaction("SET " + tag + ":c:news:seq 2", "ZREMRANGEBYSCORE " + tag + ":c:news:log 2 2",
                "CLIENT KILL TYPE pubsub"));
        assertEquals(2, publisher.publish("news", "new-2").id());
        proxy.heal();
        publisher.publish("news", "after");

        awaitTrue(() -> viewer.seen().stream().anyMatch(seen -> seen.text().equals("after")), "the viewer got the next message");
        List<String> onTheLastLog = viewer.seen().stream().filter(seen -> seen.log().equals(viewer.seen().get(viewer.seen().size() - 1).log()))
                .map(Viewer.Seen::text).toList();
        assertEquals(List.of("m0", "m1", "new-2", "after"), onTheLastLog, "the viewer holds id 2 as the log says: " + viewer.seen());
        assertNotEquals(log, viewer.seen().get(viewer.seen().size() - 1).log(), "the viewer was not moved to a new log");
        assertEquals("new-2", TestServer.messages(relay.get("/c/news/since?id=2")).get(0).text());
    }

    // Section 5 of issue 16: one bad channel never stalls the others.
    @Test
    void one_channel_with_damaged_data_never_stalls_the_others() throws Exception {
        RedisProxy proxy = started(RedisProxy.to(redis()));
        TestServer viewed = instance(proxy.uri(), LONG_WAIT);
        TestServer publisher = instance(redis().uri(), TestServer.WAIT_TIMEOUT);
        List<String> channels = List.of("c0", "c1", "c2", "c3", "c4", "c5");
        Map<String, Viewer> viewers = new java.util.LinkedHashMap<>();
        for (String channel : channels) {
            publisher.publish(channel, channel + " first");
            viewers.put(channel, started(Viewer.followChannel(List.of(java.net.URI.create("http://127.0.0.1:" + viewed.port())), channel)));
        }
        viewers.values().forEach(viewer -> viewer.awaitCount(1, LONG_WAIT));
        // Something other than nodecast wrote into c3's log, at the id it would give next.
        String tag = DefaultChannelKeys.partitionTag("c3");
        assertEquals(":1", redis().command("ZADD " + tag + ":c:c3:log 1 garbage"));

        proxy.refuseNewConnections();
        redis().command("CLIENT KILL TYPE pubsub");
        for (String channel : channels) {
            if (!channel.equals("c3")) {
                publisher.publish(channel, channel + " second");
            }
        }
        proxy.heal();

        for (String channel : channels) {
            if (!channel.equals("c3")) {
                viewers.get(channel).awaitCount(2, Duration.ofSeconds(10));
                assertEquals(List.of(channel + " first", channel + " second"), viewers.get(channel).texts());
            }
        }
        awaitTrue(() -> viewed.metric("nodecast_redis_channel_failures_total{reason=\"damaged\"}").matches(".* [1-9][0-9.]*"),
                "the damaged channel was not counted: " + viewed.metric("nodecast_redis_channel_failures_total"));
        awaitTrue(() -> viewed.get("/readyz").statusCode() == 200, "one damaged channel made the whole instance unready");
    }

    private static long count(TestServer s, String metric) {
        String line = s.metric(metric);
        return line.endsWith("absent") ? 0 : (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static long outputBytes(RedisProcess redis) {
        java.util.regex.Matcher bytes = java.util.regex.Pattern.compile("total_net_output_bytes:(\\d+)").matcher(redis.bulk("INFO stats"));
        assertTrue(bytes.find());
        return Long.parseLong(bytes.group(1));
    }

    @Test
    void under_sentinel_only_writes_wait_for_a_replica() throws Exception {
        try (SentinelGroup group = SentinelGroup.start(1)) {
            RedisProcess master = group.master;
            TestServer s = instance(group.uri(""), TestServer.WAIT_TIMEOUT);
            s.publish("one");
            s.publish("two");
            long evals = calls(master, "eval");
            master.command("CLIENT KILL TYPE pubsub"); // the resubscription reads the log afresh
            awaitTrue(() -> master.bulk("INFO commandstats").contains("cmdstat_spublish"), "the heartbeat runs");
            awaitTrue(() -> calls(master, "eval") > evals, "the log was read again after the resubscription");
            awaitTrue(() -> s.get("/readyz").statusCode() == 200, "ready again");
            assertEquals(2, calls(master, "wait"), "WAIT follows the two publishes only: " + master.bulk("INFO commandstats"));
        }
    }

    private static long calls(RedisProcess redis, String command) {
        java.util.regex.Matcher calls = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(redis.bulk("INFO commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    // 10. A lost last write is not noticed at all.
    @Test
    void an_id_handed_out_again_after_a_lost_last_write_moves_viewers_to_a_new_log() throws Exception {
        TestServer s = instance(redis().uri(), LONG_WAIT);
        for (int i = 0; i < 5; i++) {
            s.publish("message " + i);
        }
        String log = logOf(s);
        CompletableFuture<HttpResponse<String>> viewer = waitOn(s, "id=5&log=" + log);
        awaitParked(s, 1);

        // A failover lost exactly the last write, id 4: the next publish is given id 4 again.
        assertEquals("+OK", redis().command("SET " + DefaultChannelKeys.SEQ + " 4"));
        assertEquals(":1", redis().command("ZREMRANGEBYSCORE " + DefaultChannelKeys.LOG + " 4 +inf"));
        assertEquals(4, s.publish("after the failover").id());

        HttpResponse<String> answer = viewer.get(10, TimeUnit.SECONDS);
        assertEquals(409, answer.statusCode(), answer.body());
        String renewed = field(answer, "log");
        assertNotEquals(log, renewed);
        List<Message> fromStart = TestServer.messages(s.get("/since?id=0&log=" + renewed));
        assertEquals("after the failover", fromStart.get(4).text(), "the new log holds the id handed out again once, with its new text");
    }
}
