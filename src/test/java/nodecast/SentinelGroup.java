package nodecast;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A master, its replicas and a Sentinel watching them, each a redis-server of the test's own. As
 * the README advises, the master refuses writes while no replica is connected
 * ({@code min-replicas-to-write 1}), so nothing acknowledged lives on the master alone.
 */
final class SentinelGroup implements AutoCloseable {
    static final String NAME = "nodecast-test";
    private static final String[] OPTIONS = {"--save", "", "--appendonly", "no", "--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"};

    final RedisProcess master;
    final List<RedisProcess> replicas = new ArrayList<>();
    final RedisProcess sentinel;

    private SentinelGroup(int replicaCount) {
        master = RedisProcess.start(OPTIONS);
        String[] replica = Stream.concat(Stream.of(OPTIONS), Stream.of("--replicaof", "127.0.0.1", Integer.toString(master.port())))
                .toArray(String[]::new);
        for (int i = 0; i < replicaCount; i++) {
            replicas.add(RedisProcess.start(replica));
        }
        sentinel = RedisProcess.sentinel(master.port(), NAME);
    }

    /** A group of a master and {@code replicaCount} replicas in sync with it. */
    static SentinelGroup start(int replicaCount) {
        SentinelGroup group = new SentinelGroup(replicaCount);
        try {
            Awaiting.poll(() -> group.master.bulk("INFO replication").contains("connected_slaves:" + replicaCount)
                    && group.sentinel.bulk("INFO sentinel").contains("slaves=" + replicaCount), Duration.ofSeconds(20), "replicas attached");
            return group;
        } catch (RuntimeException | AssertionError e) {
            group.close();
            throw e;
        }
    }

    /** What nodecast is given: the sentinel and the master's name, with {@code credentials} ("user:password@", or "") for the data nodes. */
    URI uri(String credentials) {
        return URI.create("redis-sentinel://" + credentials + "127.0.0.1:" + sentinel.port() + "/" + NAME);
    }

    @Override
    public void close() {
        sentinel.close();
        replicas.forEach(RedisProcess::close);
        master.close();
    }
}
