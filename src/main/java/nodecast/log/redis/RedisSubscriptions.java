package nodecast.log.redis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import nodecast.metrics.Metrics;

/**
 * This instance's subscriptions: one per Redis server that holds partitions of channels (one for
 * a single Redis or a Sentinel master; one per master of a cluster), never one per channel. It
 * starts with one subscription to every partition, which splits itself as it finds where they
 * are held ({@link RedisSubscription}).
 */
final class RedisSubscriptions implements AutoCloseable {
    private final RedisCommands commands;
    private final RedisKeys keys;
    private final RedisSync sync;
    private final Metrics metrics;
    private final Map<Integer, RedisSubscription> byId = new ConcurrentHashMap<>();
    private final AtomicInteger lastId = new AtomicInteger();
    private volatile boolean closed;

    RedisSubscriptions(RedisCommands commands, RedisKeys keys, RedisSync sync, Metrics metrics) {
        this.commands = commands;
        this.keys = keys;
        this.sync = sync;
        this.metrics = metrics;
    }

    void start() {
        begin(IntStream.range(0, RedisKeys.PARTITIONS).boxed().toList());
    }

    /** Starts a subscription to {@code partitions}, wherever they are held. */
    void begin(List<Integer> partitions) {
        RedisSubscription subscription = new RedisSubscription(lastId.incrementAndGet(), partitions, this, commands, keys, sync, metrics);
        byId.put(subscription.id(), subscription);
        if (closed) {
            subscription.close();
        } else {
            subscription.start();
        }
    }

    /** Drops subscription {@code id}'s connection (from any thread), so it subscribes again on a fresh one. */
    void reconnect(int id) {
        RedisSubscription subscription = byId.get(id);
        if (subscription != null) {
            subscription.reconnect();
        }
    }

    @Override
    public void close() {
        closed = true;
        byId.values().forEach(RedisSubscription::close);
    }
}
