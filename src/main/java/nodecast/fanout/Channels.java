package nodecast.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import nodecast.log.ChannelName;
import nodecast.log.MessageLog;
import nodecast.log.MessageStore;
import nodecast.metrics.Metrics;

/**
 * The channels this instance holds in memory: for each, its log followed by a {@link Broadcaster}.
 * A channel is taken up when a viewer first asks for it and dropped once no viewer has asked for
 * it for {@code idleAfter} and none waits on it, so memory follows the channels in use, not every
 * channel ever used; its log stays where it is (Redis, or the memory store) and is read again
 * when a viewer comes back.
 *
 * <p>A viewer that took a broadcaster just before it was dropped is not lost: a dropped
 * broadcaster parks nobody and answers at once, empty, so the viewer asks again and gets the new
 * one; a stream starting on it is ended at once, and its client reconnects with its last id.
 */
public final class Channels implements AutoCloseable {
    private final MessageStore store;
    private final Executor blocking;
    private final Metrics metrics;
    private final int maxMessages;
    private final int batchLimit;
    private final long idleAfterNanos;
    private final LongSupplier nanoTime;
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final Map<ChannelName, Held> held = new HashMap<>();
    private final ScheduledExecutorService sweeper;
    private volatile boolean closing;

    /** One channel taken up: its broadcaster, the log feeding it, and when a viewer last asked for it. */
    private static final class Held {
        final Broadcaster broadcaster;
        final MessageLog log;
        volatile long lastAsked;

        Held(Broadcaster broadcaster, MessageLog log, long now) {
            this.broadcaster = broadcaster;
            this.log = log;
            this.lastAsked = now;
        }
    }

    public Channels(MessageStore store, Executor blocking, Metrics metrics, int maxMessages, int batchLimit, Duration idleAfter,
            LongSupplier nanoTime) {
        this.store = store;
        this.blocking = blocking;
        this.metrics = metrics;
        this.maxMessages = maxMessages;
        this.batchLimit = batchLimit;
        this.idleAfterNanos = idleAfter.toNanos();
        this.nanoTime = nanoTime;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "nodecast-channel-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(100, idleAfter.toMillis() / 4);
        sweeper.scheduleWithFixedDelay(this::dropIdle, every, every, TimeUnit.MILLISECONDS);
        metrics.watchChannels(this::count);
    }

    /**
     * The broadcaster of {@code channel}, taken up now if need be. Throws
     * {@link nodecast.log.ChannelLimitException} when the store may hold no more channels.
     */
    public Broadcaster broadcaster(ChannelName channel) {
        Held entry;
        boolean fresh = false;
        synchronized (held) {
            entry = held.get(channel);
            if (entry == null) {
                MessageLog log = store.channel(channel);
                entry = new Held(new Broadcaster(log, blocking, metrics, maxMessages, batchLimit, parked, streams), log, nanoTime.getAsLong());
                held.put(channel, entry);
                fresh = true;
            }
            entry.lastAsked = nanoTime.getAsLong();
        }
        if (fresh) {
            // The log feeds the broadcaster from now on; until its first sync the broadcaster parks everyone.
            entry.log.start(entry.broadcaster);
            if (closing) {
                entry.broadcaster.releaseAll(); // taken up while shutting down: it must park no one either
            }
        }
        return entry.broadcaster;
    }

    /** The log of {@code channel}, for publishing and clearing. */
    public MessageLog log(ChannelName channel) {
        synchronized (held) {
            Held entry = held.get(channel);
            return entry != null ? entry.log : store.channel(channel);
        }
    }

    /** Waiters parked on every channel here. */
    public int parkedCount() {
        return parked.get();
    }

    /** Streams following every channel here. */
    public int streamCount() {
        return streams.get();
    }

    /** Parked waiters and streams together: what {@code --max-waiters} bounds. */
    public int viewerCount() {
        return parked.get() + streams.get();
    }

    public int count() {
        synchronized (held) {
            return held.size();
        }
    }

    public boolean isClosing() {
        return closing;
    }

    /**
     * Drops every channel that no viewer asked for lately and no one waits on or follows, but {@code default}:
     * taken up at start and asked by readiness checks, it is never given up, so they can never find
     * the store too full to take it up again.
     */
    void dropIdle() {
        List<Broadcaster> dropped = new ArrayList<>();
        long now = nanoTime.getAsLong();
        synchronized (held) {
            for (Iterator<Map.Entry<ChannelName, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<ChannelName, Held> entry = it.next();
                if (!entry.getKey().equals(ChannelName.DEFAULT) && entry.getValue().broadcaster.parkedCount() == 0
                        && entry.getValue().broadcaster.followerCount() == 0
                        && now - entry.getValue().lastAsked > idleAfterNanos) {
                    it.remove();
                    // Under the lock: the channel cannot be taken up again until its log has let go of
                    // this broadcaster, so the new one is never the one let go of. Both calls are quick.
                    entry.getValue().log.close();
                    store.release(entry.getKey());
                    dropped.add(entry.getValue().broadcaster);
                }
            }
        }
        dropped.forEach(Broadcaster::releaseAll);
    }

    /** For shutdown: answers every parked waiter now (empty), ends every stream, and serves none from here on. */
    public void releaseAll() {
        closing = true;
        List<Held> all;
        synchronized (held) {
            all = new ArrayList<>(held.values());
        }
        all.forEach(entry -> entry.broadcaster.releaseAll());
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        List<Held> all;
        synchronized (held) {
            all = new ArrayList<>(held.values());
            held.clear();
        }
        all.forEach(entry -> entry.log.close());
    }
}
