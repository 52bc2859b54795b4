package nodecast.log.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import nodecast.log.ChannelName;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.log.MessageLog;
import nodecast.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's channels in step with Redis, on one thread, the sync thread, which owns
 * every field below, every {@link Hearing} and every {@link ChannelSync}: the subscription
 * threads, publishing threads and log readers only post {@link Event}s to its inbox, and every
 * listener call is made from it. So no two events are ever handled at once, a Redis read and the
 * events that arrive meanwhile cannot interleave, and each listener hears one ordered story.
 *
 * <p>Whether each subscription hears Redis is its {@link Hearing}'s; a channel is read afresh
 * whenever the subscription that carries its partition is (re)subscribed. The instance hears
 * Redis ({@link Phase#HEARING}) when every partition is carried by a subscription that hears.
 */
public final class RedisSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSync.class);

    enum Phase { DEAF, HEARING, CLOSED }

    /** How often the heartbeat is sent, how long without hearing it makes the instance deaf, how long a publisher waits to see its message. */
    public record Timings(Duration beatEvery, Duration deafAfter, Duration echoWait) {
        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1));
    }

    /** What the sync thread is told. */
    sealed interface Event {
    }

    /** Subscription {@code id} carries {@code partitions} now, and hears its heartbeat on {@code beatChannel}. */
    record Subscribing(int id, List<Integer> partitions, String beatChannel) implements Event {
    }

    record Subscribed(int id) implements Event {
    }

    record SubscriptionLost(int id, String reason) implements Event {
    }

    record HeardBeat(int id) implements Event {
    }

    record HeardMessage(ChannelName channel, String logId, Message message) implements Event {
    }

    record HeardClear(ChannelName channel, String logId, long nextId) implements Event {
    }

    record HeardRenewal(ChannelName channel, String logId) implements Event {
    }

    record HeardGarbled(ChannelName channel, String text) implements Event {
    }

    /** This instance's own append, with what it had seen before sending it; {@code handled} completes once the listener has it. */
    record OwnAppend(ChannelName channel, String logId, Message message, ChannelSync.Seen before, CompletableFuture<Void> handled)
            implements Event {
    }

    record OwnClear(ChannelName channel, String logId, long nextId, ChannelSync.Seen before, CompletableFuture<Void> handled)
            implements Event {
    }

    /** A read of old ids by this instance: its next id tells of the log too. */
    record OwnRead(ChannelName channel, String logId, long nextId, ChannelSync.Seen before) implements Event {
    }

    record Follow(ChannelName channel, MessageLog.Listener listener) implements Event {
    }

    /** Stops feeding {@code listener}: only it, should the channel be followed anew meanwhile. */
    record Unfollow(ChannelName channel, MessageLog.Listener listener) implements Event {
    }

    private record Close() implements Event {
    }

    private final RedisCommands commands;
    private final int maxMessages;
    private final Metrics metrics;
    private final Timings timings;
    private final LongSupplier nanoTime;
    private final BlockingQueue<Event> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** The channels followed here; written on the sync thread, read by others (for {@link #seen}). */
    private final Map<ChannelName, ChannelSync> channels = new ConcurrentHashMap<>();
    private final Map<Integer, Hearing> subscriptions = new HashMap<>();
    /** The subscription that carries each partition; null until one says it does. */
    private final Hearing[] carrying = new Hearing[RedisKeys.PARTITIONS];

    private volatile Phase phase = Phase.DEAF;
    private IntConsumer forceReconnect = id -> { };

    RedisSync(RedisCommands commands, int maxMessages, Metrics metrics, Timings timings, LongSupplier nanoTime) {
        this.commands = commands;
        this.maxMessages = maxMessages;
        this.metrics = metrics;
        this.timings = timings;
        this.nanoTime = nanoTime;
        this.thread = new Thread(this::run, "nodecast-redis-sync");
        thread.setDaemon(true);
    }

    /** Starts the sync thread. {@code forceReconnect} drops a subscription's connection, from any thread. */
    void start(IntConsumer forceReconnect) {
        this.forceReconnect = forceReconnect;
        thread.start();
    }

    void post(Event event) {
        inbox.add(event);
    }

    /** What {@code channel} had seen, for a script about to be sent; nothing before it is followed. */
    ChannelSync.Seen seen(ChannelName channel) {
        ChannelSync sync = channels.get(channel);
        return sync == null ? new ChannelSync.Seen(null, 0) : sync.seen();
    }

    Phase phase() {
        return phase;
    }

    /** Posts an append or clear of this instance and waits, briefly, until the listener has it, so the publisher's next read sees it. */
    void postAndAwait(Event event, CompletableFuture<Void> handled) {
        post(event);
        try {
            handled.get(timings.echoWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Stored all the same: the subscription or the next resync brings it.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (phase != Phase.CLOSED) {
            Event event;
            try {
                event = inbox.poll(nanosToNextDuty(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                break;
            }
            try {
                if (event != null) {
                    handle(event);
                }
                doDuties();
            } catch (RuntimeException e) {
                // A bug or damaged data must not stop the sync for good: say so and read afresh, after a pause.
                LOG.error("the Redis sync failed; reading the logs afresh", e);
                channels.values().forEach(ChannelSync::failed);
            }
        }
        phase = Phase.CLOSED;
        channels.values().forEach(ChannelSync::close);
    }

    private void handle(Event event) {
        if (event instanceof Subscribing subscribing) {
            Hearing hearing = subscriptions.computeIfAbsent(subscribing.id(), id -> new Hearing(id, nanoTime.getAsLong()));
            hearing.carry(subscribing.beatChannel());
            // Partitions it let go of are carried by nobody until the subscription that takes them says so.
            for (int partition = 0; partition < carrying.length; partition++) {
                if (carrying[partition] == hearing) {
                    carrying[partition] = null;
                }
            }
            subscribing.partitions().forEach(partition -> carrying[partition] = hearing);
            updatePhase();
        } else if (event instanceof Subscribed subscribed) {
            withSubscription(subscribed.id(), hearing -> {
                hearing.subscribed(nanoTime.getAsLong());
                channelsCarriedBy(hearing).forEach(ChannelSync::subscribed);
            });
        } else if (event instanceof SubscriptionLost lost) {
            withSubscription(lost.id(), hearing -> goDeaf(hearing, lost.reason()));
        } else if (event instanceof HeardBeat beat) {
            withSubscription(beat.id(), hearing -> hearing.heardBeat(nanoTime.getAsLong()));
        } else if (event instanceof Follow follow) {
            ChannelSync sync = new ChannelSync(follow.channel(), follow.listener(), commands, maxMessages, metrics, nanoTime);
            ChannelSync replaced = channels.put(follow.channel(), sync);
            if (replaced != null) {
                replaced.close();
            }
        } else if (event instanceof Unfollow unfollow) {
            ChannelSync sync = channels.get(unfollow.channel());
            if (sync != null && sync.feeds(unfollow.listener())) {
                channels.remove(unfollow.channel());
                sync.close();
            }
        } else if (event instanceof Close) {
            phase = Phase.CLOSED;
        } else {
            handleForChannel(event);
        }
    }

    private void withSubscription(int id, Consumer<Hearing> action) {
        Hearing hearing = subscriptions.get(id);
        if (hearing != null) {
            action.accept(hearing);
            updatePhase();
        }
    }

    private Stream<ChannelSync> channelsCarriedBy(Hearing hearing) {
        return channels.values().stream().filter(sync -> carrying[sync.partition()] == hearing);
    }

    /** Whether the subscription carrying {@code partition} hears Redis now. */
    private boolean hears(int partition) {
        Hearing hearing = carrying[partition];
        return hearing != null && hearing.hears();
    }

    /** The instance hears Redis when every partition is carried by a subscription that hears. */
    private void updatePhase() {
        if (phase != Phase.CLOSED) {
            phase = Arrays.stream(carrying).allMatch(hearing -> hearing != null && hearing.hears()) ? Phase.HEARING : Phase.DEAF;
        }
    }

    /** Events about one channel: ignored unless it is followed here. */
    private void handleForChannel(Event event) {
        if (event instanceof HeardMessage heard) {
            with(heard.channel(), sync -> sync.heardMessage(heard.logId(), heard.message()));
        } else if (event instanceof HeardClear heard) {
            with(heard.channel(), sync -> sync.heardClear(heard.logId(), heard.nextId()));
        } else if (event instanceof HeardRenewal heard) {
            with(heard.channel(), sync -> sync.heardRenewal(heard.logId()));
        } else if (event instanceof HeardGarbled heard) {
            if (heard.channel() == null) {
                LOG.warn("unreadable event on the Redis subscription, reading every channel afresh: {}", heard.text());
                channels.values().forEach(sync -> sync.heardGarbled(heard.text()));
            } else {
                with(heard.channel(), sync -> sync.heardGarbled(heard.text()));
            }
        } else if (event instanceof OwnAppend own) {
            with(own.channel(), sync -> sync.ownAppend(own.logId(), own.message(), own.before(), own.handled()));
            if (!hears(RedisKeys.partition(own.channel())) || !channels.containsKey(own.channel())) {
                own.handled().complete(null); // nothing will bring it back to be seen
            }
        } else if (event instanceof OwnClear own) {
            with(own.channel(), sync -> sync.ownClear(own.logId(), own.nextId(), own.before()));
            own.handled().complete(null);
        } else if (event instanceof OwnRead read) {
            with(read.channel(), sync -> sync.ownRead(read.logId(), read.nextId(), read.before()));
        }
    }

    private void with(ChannelName channel, Consumer<ChannelSync> action) {
        ChannelSync sync = channels.get(channel);
        if (sync != null) {
            action.accept(sync);
        }
    }

    private void goDeaf(Hearing hearing, String reason) {
        if (hearing.hears()) {
            LOG.warn("not hearing Redis ({}) on subscription {}: {}; subscribing again", commands.where(), hearing.id(), reason);
        }
        hearing.deaf(nanoTime.getAsLong());
        channelsCarriedBy(hearing).forEach(ChannelSync::deaf);
    }

    private void doDuties() {
        long now = nanoTime.getAsLong();
        channels.values().forEach(sync -> sync.readIfDue(hears(sync.partition())));
        for (Hearing hearing : subscriptions.values()) {
            switch (hearing.duty(now, timings)) {
                case RECONNECT -> {
                    // A subscribe that never got its answer (a black-holed master) would wait forever: start it again.
                    metrics.subscriptionDropped("deaf");
                    forceReconnect.accept(hearing.id());
                }
                case DEAF_AND_RECONNECT -> {
                    metrics.subscriptionDropped("deaf");
                    goDeaf(hearing, "no heartbeat heard for " + timings.deafAfter().toMillis() + " ms");
                    updatePhase();
                    forceReconnect.accept(hearing.id());
                }
                case BEAT -> {
                    try {
                        commands.publish(hearing.beatChannel(), "beat");
                    } catch (LogUnavailableException e) {
                        // Redis is away: the subscription notices, or the missing heartbeat does.
                    }
                }
                case NONE -> {
                }
            }
        }
    }

    private long nanosToNextDuty() {
        long now = nanoTime.getAsLong();
        if (phase == Phase.CLOSED) {
            return 0;
        }
        long due = now + timings.deafAfter().toNanos();
        for (Hearing hearing : subscriptions.values()) {
            due = Math.min(due, hearing.dueAt(timings));
        }
        for (ChannelSync sync : channels.values()) {
            if (hears(sync.partition())) {
                due = Math.min(due, sync.dueAt());
            }
        }
        return Math.max(0, due - now);
    }

    /** Stops the sync thread; no listener hears anything more. */
    @Override
    public void close() {
        post(new Close());
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
