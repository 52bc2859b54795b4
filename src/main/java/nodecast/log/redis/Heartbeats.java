package nodecast.log.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import nodecast.log.LogUnavailableException;

/**
 * Sends each subscription's heartbeat on a thread of its own, so the sync thread never waits
 * for Redis, and a Redis slow to take one heartbeat holds back no other subscription's: a
 * subscription whose last heartbeat is still on its way skips the next.
 */
final class Heartbeats implements AutoCloseable {
    private final RedisCommands commands;
    private final Set<Integer> sending = ConcurrentHashMap.newKeySet();
    private final ExecutorService sender = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "nodecast-redis-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    Heartbeats(RedisCommands commands) {
        this.commands = commands;
    }

    /** Publishes subscription {@code id}'s heartbeat on {@code channel}, unless its last one is still being sent. */
    void send(int id, String channel) {
        if (sending.add(id)) {
            sender.execute(() -> {
                try {
                    commands.publish(channel, "beat");
                } catch (LogUnavailableException e) {
                    // Redis is away: the subscription notices, or the missing heartbeat does.
                } finally {
                    sending.remove(id);
                }
            });
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
