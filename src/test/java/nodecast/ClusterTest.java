package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * nodecast on a real Redis Cluster (3 masters, 3 replicas) started by the test: channels whose
 * slots fall on every master, instances that hear each other through sharded pub/sub, and a
 * master killed mid-run.
 */
class ClusterTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** As the README advises: every write on disk before it is acknowledged, and on a replica. */
    private static final String[] DURABLE = {"--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--min-replicas-to-write", "1", "--min-replicas-max-lag", "5"};

    private RedisCluster cluster;
    private TestServer a;
    private TestServer b;

    @BeforeEach
    void startClusterAndTwoInstances() throws Exception {
        cluster = RedisCluster.start(3, DURABLE);
        a = server(cluster);
        b = server(cluster);
    }

    @AfterEach
    void stopThem() {
        for (AutoCloseable each : new AutoCloseable[] {b, a, cluster}) {
            try {
                if (each != null) {
                    each.close();
                }
            } catch (Exception e) {
                // the others must still be stopped
            }
        }
    }

    private static int slotOf(String channel) {
        return JedisClusterCRC16.getSlot(DefaultChannelKeys.partitionTag(channel) + ":events");
    }

    /** {@code perMaster} channel names for each master of {@code cluster}, keyed by the master's port. */
    private static Map<Integer, List<String>> channelsOnEveryMaster(RedisCluster cluster, int perMaster) {
        Map<Integer, List<String>> byMaster = new LinkedHashMap<>();
        cluster.masters().forEach(master -> byMaster.put(master.port(), new ArrayList<>()));
        for (int i = 0; byMaster.values().stream().anyMatch(names -> names.size() < perMaster); i++) {
            String name = "room-" + i;
            List<String> names = byMaster.get(cluster.masterOf(slotOf(name)).port());
            if (names.size() < perMaster) {
                names.add(name);
            }
        }
        return byMaster;
    }

    private static List<URI> bases(TestServer... servers) {
        return java.util.stream.Stream.of(servers).map(s -> URI.create("http://127.0.0.1:" + s.port())).toList();
    }

    private static TestServer server(RedisCluster cluster) {
        return TestServer.start(TestServer.config(cluster.uri(), TestServer.WAIT_TIMEOUT, 0), Clock.systemUTC());
    }

    @Test
    void publishes_through_one_instance_reach_viewers_on_another_whichever_master_holds_the_channel() throws Exception {
        List<String> channels = channelsOnEveryMaster(cluster, 2).values().stream().flatMap(List::stream).toList();
        Map<String, Viewer> viewers = new LinkedHashMap<>();
        channels.forEach(name -> viewers.put(name, Viewer.followChannel(bases(b), name)));
        try {
            for (int i = 0; i < 5; i++) {
                for (String name : channels) {
                    assertEquals(0, TestServer.publishUntilAcknowledged(List.of(a), "/c/" + name, name + " " + i), "accepted at once");
                }
            }
            for (String name : channels) {
                Viewer viewer = viewers.get(name);
                viewer.awaitCount(5, PATIENCE);
                assertEquals(texts(name, 0, 5), viewer.texts(),
                        "channel " + name + " on slot " + slotOf(name));
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L), viewer.seen().stream().map(Viewer.Seen::id).toList());
            }
            assertEquals(200, b.get("/readyz").statusCode(), "subscribed on every master");
        } finally {
            viewers.values().forEach(Viewer::close);
        }
    }

    @Test
    void a_master_killed_mid_run_fails_over_and_every_acknowledged_publish_reaches_every_viewer_once_in_order() throws Exception {
        Map<Integer, List<String>> byMaster = channelsOnEveryMaster(cluster, 2);
        List<String> channels = byMaster.values().stream().flatMap(List::stream).toList();
        List<Viewer> viewers = new ArrayList<>();
        Map<Viewer, String> channelOf = new LinkedHashMap<>();
        for (String name : channels) {
            for (List<URI> instances : List.of(bases(a, b), bases(b, a))) {
                Viewer viewer = Viewer.followChannel(instances, name);
                viewers.add(viewer);
                channelOf.put(viewer, name);
            }
        }
        RedisProcess doomed = cluster.masterOf(slotOf(channels.get(0)));
        int messages = 30;
        Answers answers = new Answers();
        ExecutorService publishers = Executors.newFixedThreadPool(byMaster.size());
        try {
            // One publisher per master, each alternating between its channels and between the instances.
            List<Future<?>> running = new ArrayList<>();
            for (List<String> names : byMaster.values()) {
                running.add(publishers.submit(() -> {
                    for (int i = 0; i < messages; i++) {
                        for (String name : names) {
                            List<TestServer> order = i % 2 == 0 ? List.of(a, b) : List.of(b, a);
                            TestServer.publishUntilAcknowledged(order, "/c/" + name, name + " " + i, answers);
                        }
                    }
                    return null;
                }));
            }
            // Mid-run: kill the master of the first channel as a crash would, wait for its replica to
            // take over, then bring it back (it rejoins as a replica, so the shard may take writes again).
            viewers.get(0).awaitCount(messages / 3, PATIENCE);
            doomed.stop();
            RedisProcess promoted = cluster.awaitNewMaster(slotOf(channels.get(0)), doomed);
            doomed.restart();
            cluster.awaitHealthy();
            for (Future<?> publisher : running) {
                publisher.get();
            }
            for (Viewer viewer : viewers) {
                String name = channelOf.get(viewer);
                viewer.awaitCount(messages, PATIENCE);
                assertEquals(texts(name, 0, messages), viewer.texts(), "channel " + name + ": every acknowledged publish, once, in order");
                assertEquals(1, viewer.seen().stream().map(Viewer.Seen::log).distinct().count(), "the log survived the failover");
            }
            assertTrue(promoted != doomed);
            awaitReady(a);
            awaitReady(b);
            System.out.printf("cluster failover under load: %d publishes, answers 2xx %d, 503 %d, 504 %d (all by status: %s);"
                    + " every acknowledged message reached each of %d viewers once, in order%n", messages * channels.size(),
                    answers.acknowledged(), answers.of(503), answers.of(504), answers, viewers.size());
            assertEquals(messages * channels.size(), answers.acknowledged(), "each publish acknowledged once, its retries replayed");
            // Only the one publish on the wire to the killed master when it died may stay unknown past the retries:
            // every other attempt is answered 2xx (stored, and on a replica) or 503 (not stored).
            assertTrue(answers.of(504) <= 1, "504s during the failover: " + answers);
        } finally {
            publishers.shutdownNow();
            viewers.forEach(Viewer::close);
        }
    }

    @Test
    void a_channel_whose_slot_moves_to_another_master_keeps_its_messages_and_viewers() throws Exception {
        Map<Integer, List<String>> byMaster = channelsOnEveryMaster(cluster, 2);
        List<List<String>> groups = new ArrayList<>(byMaster.values());
        // The first channel moves; the second stays on the same master; the third is on another master.
        String moving = groups.get(0).get(0);
        String staying = groups.get(0).get(1);
        String elsewhere = groups.get(1).get(0);
        List<String> channels = List.of(moving, staying, elsewhere);
        Map<String, List<Viewer>> viewers = new LinkedHashMap<>();
        channels.forEach(name -> viewers.put(name, List.of(Viewer.followChannel(bases(a), name), Viewer.followChannel(bases(b), name))));
        try {
            publishEach(channels, a, 0, 5);
            viewers.values().forEach(each -> each.forEach(viewer -> viewer.awaitCount(5, PATIENCE)));

            RedisProcess target = cluster.masterOf(slotOf(elsewhere));
            cluster.moveSlot(slotOf(moving), target);

            publishEach(channels, b, 5, 10);
            for (String name : channels) {
                for (Viewer viewer : viewers.get(name)) {
                    viewer.awaitCount(10, PATIENCE);
                    assertEquals(texts(name, 0, 10), viewer.texts(), "channel " + name + ": every message, once, in order");
                    assertEquals(1, viewer.seen().stream().map(Viewer.Seen::log).distinct().count(), "the log moved with its slot");
                }
            }
            awaitReady(a);
            awaitReady(b);
        } finally {
            viewers.values().forEach(each -> each.forEach(Viewer::close));
        }
    }

    @Test
    void a_write_a_master_failover_lost_moves_the_viewers_that_had_it_to_a_new_log() throws Exception {
        String channel = channelsOnEveryMaster(cluster, 1).values().iterator().next().get(0);
        RedisProcess master = cluster.masterOf(slotOf(channel));
        RedisProcess replica = cluster.replicaOf(master);
        List<Viewer> viewers = List.of(Viewer.followChannel(bases(a), channel), Viewer.followChannel(bases(b), channel));
        try {
            publishEach(List.of(channel), a, 0, 2);
            viewers.forEach(viewer -> viewer.awaitCount(2, PATIENCE));

            // The replica stalls, and 64 MB written to filler waits in the master for it (more than the kernel buffers), so
            // nothing after it reaches it. The master takes one more write (it still counts the replica for
            // min-replicas-max-lag) and hands it to every viewer, then dies: the replica it fails over to never had it.
            replica.pause();
            assertEquals(":1", master.command(RedisProcess.FILL_REPLICATION + " 1 " + DefaultChannelKeys.partitionTag(channel) + ":filler"));
            HttpResponse<String> lost = a.postJson("/c/" + channel + "/submit-message", "text=lost");
            assertEquals(504, lost.statusCode(), "no replica has it, so it is not acknowledged: " + lost.body());
            viewers.forEach(viewer -> viewer.awaitCount(3, PATIENCE));
            master.stop();
            replica.resume();
            assertEquals(replica, cluster.awaitNewMaster(slotOf(channel), master));
            master.restart(); // back as the new master's replica, so the shard takes writes again
            cluster.awaitHealthy();
            TestServer.publishUntilAcknowledged(List.of(a, b), "/c/" + channel, "new-2");
            TestServer.publishUntilAcknowledged(List.of(b, a), "/c/" + channel, "after");

            for (Viewer viewer : viewers) {
                Awaiting.poll(() -> viewer.texts().contains("after"), PATIENCE, "the viewer got the message after the failover");
                String last = viewer.seen().get(viewer.seen().size() - 1).log();
                assertNotEquals(viewer.seen().get(0).log(), last, "the viewer that had 'lost' as id 2 was not moved: " + viewer.seen());
                assertEquals(List.of(channel + " 0", channel + " 1", "new-2", "after"),
                        viewer.seen().stream().filter(seen -> seen.log().equals(last)).map(Viewer.Seen::text).toList());
            }
            awaitReady(a);
            awaitReady(b);
        } finally {
            viewers.forEach(Viewer::close);
        }
    }

    /** Publishes "NAME i" for i in [from, to) on each channel through {@code server}, until each is acknowledged. */
    private static void publishEach(List<String> channels, TestServer server, int from, int to) {
        for (int i = from; i < to; i++) {
            for (String name : channels) {
                TestServer.publishUntilAcknowledged(List.of(server), "/c/" + name, name + " " + i);
            }
        }
    }

    /** "NAME i" for i in [from, to): what {@link #publishEach} publishes on channel NAME. */
    private static List<String> texts(String name, int from, int to) {
        return java.util.stream.IntStream.range(from, to).mapToObj(i -> name + " " + i).toList();
    }

    private static void awaitReady(TestServer server) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (server.get("/readyz").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "instance ready again after the failover");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
