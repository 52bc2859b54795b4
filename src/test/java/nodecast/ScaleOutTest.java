package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Several instances on one Redis, and the faults of production: Redis crashing, an instance stopping, data lost, failover. */
class ScaleOutTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static List<URI> bases(TestServer... servers) {
        return Stream.of(servers).map(s -> URI.create("http://127.0.0.1:" + s.port())).toList();
    }

    private static void awaitTrue(Supplier<Boolean> condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.get()) {
            assertTrue(System.nanoTime() < deadline, what);
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> texts(String prefix, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(prefix + " " + i);
        }
        return texts;
    }

    @Test
    void acknowledged_publishes_survive_a_redis_crash_and_reach_every_viewer_once_in_order() throws Exception {
        try (RedisProcess redis = RedisProcess.start("--appendonly", "yes", "--appendfsync", "always", "--save", "");
             TestServer a = TestServer.start(redis.uri());
             TestServer b = TestServer.start(redis.uri());
             Viewer onA = Viewer.follow(bases(a, b));
             Viewer onB = Viewer.follow(bases(b, a))) {
            List<String> published = texts("crash", 60);
            for (String text : published) {
                if (text.equals("crash 20")) {
                    redis.stop();
                    int refused = a.postJson("/submit-message", "text=lost").statusCode();
                    assertTrue(refused == 503 || refused == 504, "nothing is acknowledged while Redis is down: " + refused);
                    awaitTrue(() -> a.get("/readyz").statusCode() == 503, "readiness reports Redis gone");
                    redis.restart();
                }
                TestServer.publishUntilAcknowledged(List.of(a, b), "", text);
            }
            for (Viewer viewer : List.of(onA, onB)) {
                viewer.awaitCount(published.size(), PATIENCE);
                assertEquals(published, viewer.texts(), "every acknowledged message once, in order");
                List<Long> ids = viewer.seen().stream().map(Viewer.Seen::id).toList();
                assertEquals(Stream.iterate(0L, i -> i + 1).limit(published.size()).toList(), ids);
            }
            assertEquals(200, a.get("/readyz").statusCode(), "the instance recovered by itself");
        }
    }

    @Test
    void viewers_on_a_stopped_instance_move_to_another_and_miss_nothing() {
        try (RedisProcess redis = RedisProcess.start()) {
            TestServer a = TestServer.start(redis.uri(), Duration.ofSeconds(20));
            try (TestServer b = TestServer.start(redis.uri(), Duration.ofSeconds(20))) {
                List<Viewer> viewers = Stream.generate(() -> Viewer.follow(bases(a, b))).limit(5).toList();
                a.publish("before 0");
                a.publish("before 1");
                viewers.forEach(v -> v.awaitCount(2, PATIENCE));
                awaitTrue(() -> a.server.broadcaster().parkedCount() == viewers.size(), "viewers parked on a");

                long stopping = System.nanoTime();
                a.close();
                assertTrue(Duration.ofNanos(System.nanoTime() - stopping).toMillis() < 5_000, "shutdown took too long");
                List<String> after = texts("after", 5);
                awaitTrue(() -> b.server.broadcaster().parkedCount() == viewers.size(), "viewers re-parked on b");
                after.forEach(b::publish);

                List<String> expected = new ArrayList<>(List.of("before 0", "before 1"));
                expected.addAll(after);
                for (Viewer viewer : viewers) {
                    viewer.awaitCount(expected.size(), PATIENCE);
                    assertEquals(expected, viewer.texts());
                    viewer.close();
                }
            }
        }
    }

    @Test
    void flushing_redis_under_parked_viewers_makes_them_resync_rather_than_hang() {
        try (RedisProcess redis = RedisProcess.start();
             TestServer a = TestServer.start(redis.uri());
             TestServer b = TestServer.start(redis.uri());
             Viewer viewer = Viewer.follow(bases(a))) {
            texts("old", 5).forEach(b::publish);
            viewer.awaitCount(5, PATIENCE);
            String oldLog = viewer.seen().get(0).log();

            assertEquals("+OK", redis.command("FLUSHALL"));
            b.publish("new 0");

            viewer.awaitCount(6, PATIENCE);
            Viewer.Seen latest = viewer.seen().get(5);
            assertEquals(new Viewer.Seen(latest.log(), 0, "new 0"), latest, "the viewer started again from id 0 of the new log");
            assertTrue(!latest.log().equals(oldLog));
        }
    }

    @Test
    void a_sequence_that_goes_back_under_the_same_log_makes_viewers_resync_rather_than_miss_messages() {
        try (RedisProcess redis = RedisProcess.start();
             TestServer a = TestServer.start(redis.uri());
             Viewer viewer = Viewer.follow(bases(a))) {
            texts("before", 5).forEach(a::publish);
            viewer.awaitCount(5, PATIENCE);
            String oldLog = viewer.seen().get(0).log();

            // What a failover to a replica that missed the last two writes looks like: same log, lower sequence.
            assertEquals("+OK", redis.command("SET " + DefaultChannelKeys.SEQ + " 3"));
            assertEquals(":2", redis.command("ZREMRANGEBYSCORE " + DefaultChannelKeys.LOG + " 3 +inf"));
            a.publish("after");

            viewer.awaitCount(6, PATIENCE);
            Viewer.Seen latest = viewer.seen().get(viewer.seen().size() - 1);
            assertEquals("after", latest.text());
            assertTrue(!latest.log().equals(oldLog), "viewers were moved to a new log instead of waiting for id 5 to come round again");
        }
    }

    @Test
    void a_sentinel_failover_keeps_every_acknowledged_publish() throws Exception {
        try (SentinelGroup group = SentinelGroup.start(2);
             TestServer server = TestServer.start(TestServer.config(group.uri(""), TestServer.WAIT_TIMEOUT, 0), java.time.Clock.systemUTC());
             Viewer viewer = Viewer.follow(bases(server))) {
            List<String> published = texts("failover", 30);
            for (String text : published) {
                if (text.equals("failover 10")) {
                    group.master.stop();
                }
                TestServer.publishUntilAcknowledged(List.of(server), "", text);
            }
            viewer.awaitCount(published.size(), PATIENCE);
            assertEquals(published, viewer.texts());
            assertEquals(1, viewer.seen().stream().map(Viewer.Seen::log).distinct().count(), "the log survived the failover");
        }
    }

    @Test
    void under_sentinel_a_write_lost_with_its_master_moves_the_viewers_that_had_it_to_a_new_log() throws Exception {
        try (SentinelGroup group = SentinelGroup.start(2);
             TestServer a = sentinelServer(group);
             TestServer b = sentinelServer(group);
             Viewer onA = Viewer.follow(bases(a));
             Viewer onB = Viewer.follow(bases(b))) {
            a.publish("m0");
            a.publish("m1");
            List.of(onA, onB).forEach(viewer -> viewer.awaitCount(2, PATIENCE));

            // Both replicas stall, and 64 MB written to filler waits in the master for them (more than the kernel buffers), so
            // nothing after it reaches them. The master takes one more write (it counts them connected for
            // min-replicas-max-lag) and hands it to every viewer, then dies: the replica Sentinel promotes never had it.
            group.replicas.forEach(RedisProcess::pause);
            assertEquals(":1", group.master.command(RedisProcess.FILL_REPLICATION + " 1 filler"));
            HttpResponse<String> lost = a.postJson("/submit-message", "text=lost");
            assertEquals(504, lost.statusCode(), "no replica has it, so it is not acknowledged: " + lost.body());
            List.of(onA, onB).forEach(viewer -> viewer.awaitCount(3, PATIENCE));
            group.master.stop();
            group.replicas.forEach(RedisProcess::resume);
            Answers answers = new Answers();
            TestServer.publishUntilAcknowledged(List.of(a, b), "", "new-2", answers);
            TestServer.publishUntilAcknowledged(List.of(b, a), "", "after", answers);
            assertEquals(0, answers.of(504), "during the failover every publish was answered 2xx or 503: " + answers);

            for (Viewer viewer : List.of(onA, onB)) {
                awaitTrue(() -> viewer.texts().contains("after"), "the viewer got the message after the failover");
                String last = viewer.seen().get(viewer.seen().size() - 1).log();
                assertNotEquals(viewer.seen().get(0).log(), last, "the viewer that had 'lost' as id 2 was not moved: " + viewer.seen());
                assertEquals(List.of("m0", "m1", "new-2", "after"),
                        viewer.seen().stream().filter(seen -> seen.log().equals(last)).map(Viewer.Seen::text).toList());
            }
        }
    }

    private static TestServer sentinelServer(SentinelGroup group) {
        return TestServer.start(TestServer.config(group.uri(""), TestServer.WAIT_TIMEOUT, 0).toBuilder().redisRetry(Duration.ofSeconds(2)).build(),
                java.time.Clock.systemUTC());
    }
}
