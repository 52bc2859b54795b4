package nodecast.log.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import nodecast.log.ChannelName;
import nodecast.log.LogSlice;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.log.MessageLog;
import nodecast.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's channels in step with Redis, on one thread, the sync thread, which owns
 * every field below, every {@link Hearing} and every {@link ChannelSync}: the subscription
 * threads, publishing threads and readers only post {@link Event}s to its inbox, and every
 * listener call is made from it. So no two events are ever handled at once, and each listener
 * hears one ordered story.
 *
 * <p>The sync thread never waits for Redis: reads run on reader threads and come back as events
 * ({@link ChannelSync} holds a channel's events while its read is under way), and heartbeats are
 * sent by {@link Heartbeats}. Events from the subscriptions carry the time they arrived, and all
 * that wait are handled before hearing is judged, so a busy instance is never taken for a deaf
 * one. At most {@link #HEARD_BACKLOG} of them wait: past that a subscription stops reading, and
 * Redis holds the rest (or, past its own limit, cuts the subscription, which is then read afresh).
 *
 * <p>Whether each subscription hears Redis is its {@link Hearing}'s; a channel is read afresh
 * whenever the subscription that carries its partition is (re)subscribed. The instance hears
 * Redis ({@link Phase#HEARING}) when every partition is carried by a subscription that hears.
 * Channels due a read wait in {@link DueReads}, in the order they come due.
 */
public final class RedisSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSync.class);
    /** The most events from the subscriptions waiting to be handled. */
    static final int HEARD_BACKLOG = 1_000;
    /** The most reads under way at once: more would only queue at Redis. */
    private static final int READERS = 2;

    enum Phase { DEAF, HEARING, CLOSED }

    /** How often the heartbeat is sent, how long without hearing it makes the instance deaf, how long a publisher waits to see its message. */
    public record Timings(Duration beatEvery, Duration deafAfter, Duration echoWait) {
        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1));
    }

    /** What the sync thread is told. */
    sealed interface Event {
    }

    /** What a subscription heard: counted against {@link #HEARD_BACKLOG}. */
    sealed interface Heard extends Event {
    }

    /** What a subscription heard about one channel. */
    sealed interface AboutChannel extends Event {
        ChannelName channel();
    }

    /** One of this instance's own writes; {@code handled} completes once the listener has it. */
    sealed interface OwnWrite extends AboutChannel {
        CompletableFuture<Void> handled();
    }

    /** Subscription {@code id} carries {@code partitions} now, and hears its heartbeat on {@code beatChannel}. */
    record Subscribing(int id, List<Integer> partitions, String beatChannel) implements Event {
    }

    record Subscribed(int id, long at) implements Event {
    }

    record SubscriptionLost(int id, String reason) implements Event {
    }

    record HeardBeat(int id, long at) implements Heard {
    }

    record HeardMessage(ChannelName channel, String logId, Message message) implements Heard, AboutChannel {
    }

    record HeardClear(ChannelName channel, String logId, long nextId) implements Heard, AboutChannel {
    }

    record HeardRenewal(ChannelName channel, String logId) implements Heard, AboutChannel {
    }

    /** An event nodecast cannot read; {@code channel} null when not even its channel can be told. */
    record HeardGarbled(ChannelName channel, String text) implements Heard {
    }

    /** This instance's own append, with what it held before sending it. */
    record OwnAppend(ChannelName channel, String logId, Message message, ChannelSync.Held before, CompletableFuture<Void> handled)
            implements OwnWrite {
    }

    record OwnClear(ChannelName channel, String logId, long nextId, ChannelSync.Held before, CompletableFuture<Void> handled)
            implements OwnWrite {
    }

    /** A read {@code sync} asked for came back: {@code slice}, or {@code failure}. */
    record ReadDone(ChannelSync sync, ChannelRead read, LogSlice slice, RuntimeException failure) implements Event {
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
    private final Semaphore heardRoom = new Semaphore(HEARD_BACKLOG);
    private final Thread thread;
    private final ExecutorService readers;
    private final Heartbeats heartbeats;
    /** The channels followed here; written on the sync thread, read by others (for {@link #held}). */
    private final Map<ChannelName, ChannelSync> channels = new ConcurrentHashMap<>();
    private final Map<Integer, Hearing> subscriptions = new HashMap<>();
    /** The subscription that carries each partition; null until one says it does. */
    private final Hearing[] carrying = new Hearing[RedisKeys.PARTITIONS];
    private final DueReads due = new DueReads();
    /** The channels readiness waits for (see {@link ChannelSync#holdsBack}), and those whose read failed. */
    private final Set<ChannelSync> holdingBack = new HashSet<>();
    private final Set<ChannelSync> failing = new HashSet<>();
    private int reading;

    private volatile Phase phase = Phase.DEAF;
    private volatile int channelsBehind;
    private volatile int failingNow;
    private IntConsumer forceReconnect = id -> { };

    RedisSync(RedisCommands commands, int maxMessages, Metrics metrics, Timings timings, LongSupplier nanoTime) {
        this.commands = commands;
        this.maxMessages = maxMessages;
        this.metrics = metrics;
        this.timings = timings;
        this.nanoTime = nanoTime;
        this.thread = new Thread(this::run, "nodecast-redis-sync");
        thread.setDaemon(true);
        this.readers = Executors.newFixedThreadPool(READERS, task -> {
            Thread reader = new Thread(task, "nodecast-redis-reader");
            reader.setDaemon(true);
            return reader;
        });
        this.heartbeats = new Heartbeats(commands);
        metrics.watchFailingChannels(() -> failingNow);
    }

    /** Starts the sync thread. {@code forceReconnect} drops a subscription's connection, from any thread. */
    void start(IntConsumer forceReconnect) {
        this.forceReconnect = forceReconnect;
        thread.start();
    }

    void post(Event event) {
        inbox.add(event);
    }

    /**
     * Posts what a subscription heard, waiting while {@link #HEARD_BACKLOG} events wait already: the
     * subscription then stops reading. Returns false if interrupted (the subscription is closing).
     */
    boolean hear(Heard event) {
        try {
            heardRoom.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        inbox.add(event);
        return true;
    }

    /** A heartbeat arrived now, on subscription {@code id}. */
    boolean heardBeat(int id) {
        return hear(new HeardBeat(id, nanoTime.getAsLong()));
    }

    /** Subscription {@code id} is subscribed now. */
    void subscribed(int id) {
        post(new Subscribed(id, nanoTime.getAsLong()));
    }

    /** What this instance held of {@code channel} before sending a write; nothing before it is followed. */
    ChannelSync.Held held(ChannelName channel) {
        ChannelSync sync = channels.get(channel);
        return sync == null ? new ChannelSync.Held(null, 0) : sync.held();
    }

    Phase phase() {
        return phase;
    }

    /** How many channels readiness waits for: to be read again after a resubscription or a failure of Redis. */
    int channelsBehind() {
        return channelsBehind;
    }

    /** Posts a write of this instance and waits, briefly, until the listener has it, so the publisher's next read sees it. */
    void postAndAwait(OwnWrite write) {
        post(write);
        try {
            write.handled().get(timings.echoWait().toMillis(), TimeUnit.MILLISECONDS);
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
            // Everything that waits is handled before hearing is judged: a heartbeat that came is a heartbeat heard.
            for (int handled = 0; event != null && handled < HEARD_BACKLOG; handled++) {
                taken(event);
                event = inbox.poll();
            }
            if (event != null) {
                taken(event);
            }
            hearingDuties();
            startDueReads();
        }
        phase = Phase.CLOSED;
        channels.values().forEach(ChannelSync::close);
        readers.shutdownNow();
        heartbeats.close();
    }

    private void taken(Event event) {
        if (event instanceof Heard) {
            heardRoom.release();
        }
        try {
            handle(event);
        } catch (RuntimeException e) {
            // A bug (or a listener refusing what it was handed) must not stop the sync: that channel is read afresh, after a pause.
            ChannelSync sync = event instanceof AboutChannel about ? channels.get(about.channel())
                    : event instanceof ReadDone done ? done.sync() : null;
            if (sync != null && channels.get(sync.channel()) == sync) {
                update(sync, () -> sync.failed(e));
            } else {
                LOG.error("the Redis sync failed on {}", event, e);
            }
        }
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
                hearing.subscribed(subscribed.at());
                channelsCarriedBy(hearing).forEach(sync -> update(sync, sync::subscribed));
            });
        } else if (event instanceof SubscriptionLost lost) {
            withSubscription(lost.id(), hearing -> goDeaf(hearing, lost.reason()));
        } else if (event instanceof HeardBeat beat) {
            withSubscription(beat.id(), hearing -> hearing.heardBeat(beat.at()));
        } else if (event instanceof HeardGarbled garbled && garbled.channel() == null) {
            LOG.warn("unreadable event on the Redis subscription, reading every channel afresh: {}", garbled.text());
            channels.values().forEach(sync -> update(sync, () -> sync.handle(garbled)));
        } else if (event instanceof HeardGarbled garbled) {
            with(garbled.channel(), sync -> sync.handle(garbled));
        } else if (event instanceof AboutChannel about) {
            with(about.channel(), sync -> sync.handle(about));
            if (about instanceof OwnWrite own && (!channels.containsKey(own.channel()) || !hears(RedisKeys.partition(own.channel())))) {
                own.handled().complete(null); // nothing will bring it back to be seen
            }
        } else if (event instanceof ReadDone done) {
            reading--;
            if (channels.get(done.sync().channel()) == done.sync()) {
                update(done.sync(), () -> {
                    if (done.failure() == null) {
                        done.sync().readDone(done.read(), done.slice());
                    } else {
                        done.sync().readFailed(done.failure());
                    }
                });
            }
        } else if (event instanceof Follow follow) {
            ChannelSync sync = new ChannelSync(follow.channel(), follow.listener(), metrics, nanoTime);
            ChannelSync replaced = channels.put(follow.channel(), sync);
            if (replaced != null) {
                forget(replaced);
            }
            update(sync, () -> { });
        } else if (event instanceof Unfollow unfollow) {
            ChannelSync sync = channels.get(unfollow.channel());
            if (sync != null && sync.feeds(unfollow.listener())) {
                channels.remove(unfollow.channel());
                forget(sync);
            }
        } else if (event instanceof Close) {
            phase = Phase.CLOSED;
        }
    }

    private void withSubscription(int id, Consumer<Hearing> action) {
        Hearing hearing = subscriptions.get(id);
        if (hearing != null) {
            action.accept(hearing);
            updatePhase();
        }
    }

    private void with(ChannelName channel, Consumer<ChannelSync> action) {
        ChannelSync sync = channels.get(channel);
        if (sync != null) {
            update(sync, () -> action.accept(sync));
        }
    }

    /** Runs {@code change} on {@code sync}, then files it where it now belongs: due a read, holding readiness back, failing. */
    private void update(ChannelSync sync, Runnable change) {
        change.run();
        due.schedule(sync, sync.dueAt());
        track(holdingBack, sync, sync.holdsBack());
        track(failing, sync, sync.failure() != null);
        channelsBehind = holdingBack.size();
        failingNow = failing.size();
    }

    private static void track(Set<ChannelSync> set, ChannelSync sync, boolean member) {
        if (member) {
            set.add(sync);
        } else {
            set.remove(sync);
        }
    }

    private void forget(ChannelSync sync) {
        sync.close();
        due.schedule(sync, Long.MAX_VALUE);
        holdingBack.remove(sync);
        failing.remove(sync);
        channelsBehind = holdingBack.size();
        failingNow = failing.size();
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

    private void goDeaf(Hearing hearing, String reason) {
        if (hearing.hears()) {
            LOG.warn("not hearing Redis ({}) on subscription {}: {}; subscribing again", commands.where(), hearing.id(), reason);
        }
        hearing.deaf(nanoTime.getAsLong());
        channelsCarriedBy(hearing).forEach(ChannelSync::deaf);
    }

    private void hearingDuties() {
        long now = nanoTime.getAsLong();
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
                case BEAT -> heartbeats.send(hearing.id(), hearing.beatChannel());
                case NONE -> {
                }
            }
        }
    }

    /** Starts the reads that are due, of channels whose subscription hears, as many as may run at once. */
    private void startDueReads() {
        long now = nanoTime.getAsLong();
        while (reading < READERS) {
            ChannelSync sync = due.takeDue(now, candidate -> hears(candidate.partition()));
            if (sync == null) {
                return;
            }
            ChannelRead read = sync.startRead();
            reading++;
            update(sync, () -> { });
            readers.execute(() -> {
                try {
                    post(new ReadDone(sync, read, read.run(commands, sync.channel(), maxMessages), null));
                } catch (LogUnavailableException e) {
                    post(new ReadDone(sync, read, null, e));
                } catch (RuntimeException e) {
                    post(new ReadDone(sync, read, null, new DamagedLogException(e.toString(), e)));
                }
            });
        }
    }

    private long nanosToNextDuty() {
        long now = nanoTime.getAsLong();
        if (phase == Phase.CLOSED) {
            return 0;
        }
        long next = now + timings.deafAfter().toNanos();
        for (Hearing hearing : subscriptions.values()) {
            next = Math.min(next, hearing.dueAt(timings));
        }
        if (reading < READERS) {
            next = Math.min(next, due.nextAt(candidate -> hears(candidate.partition())));
        }
        return Math.max(0, next - now);
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
