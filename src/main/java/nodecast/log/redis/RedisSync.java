package nodecast.log.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import nodecast.log.LogSlice;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.log.MessageLog;
import nodecast.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's listener (the broadcaster) in step with the log in Redis: hands it every
 * committed message once, in id order, and moves it to a new log when the old one is gone.
 *
 * <p>Everything here runs on one thread, the sync thread, which owns every field below: the
 * subscription thread, publishing threads and log readers only post {@link Event}s to its inbox,
 * and every listener call is made from it. So no two events are ever handled at once, a Redis
 * read and the events that arrive meanwhile cannot interleave, and the listener hears one
 * ordered story.
 *
 * <pre>
 *            subscribed                       read the newest messages (renewing the log first
 *   DEAF ----------------&gt; STALE ------------ if it went back) and handed them to the listener --&gt; LIVE
 *    ^  ^                   ^  |  read failed: retry after 0.1 s .. 2 s                             |
 *    |  |                   |  +---------------------------------+                                 |
 *    |  |                   +--- gap in the stream, a new log id, the sequence went back, garbled --+
 *    |  +-- subscription lost, or no heartbeat heard for deafAfter (then forced to reconnect) ------+
 *    +----- the same, from STALE
 *   DEAF --still not subscribed after deafAfter: forced to reconnect again--&gt; DEAF
 *   any --close()--&gt; CLOSED
 * </pre>
 *
 * In every state but CLOSED, a message whose id is the next one the listener expects is handed
 * to it (what Redis committed is true whatever the state); anything else waits for the read.
 *
 * <p>The sequence going back (writes lost in a failover) is any id this instance sees handed out
 * again under the same log id: a read whose next id is below the highest id seen, an id heard
 * twice on the subscription, or an append or clear whose id is below what was seen before it
 * was sent. Then the log is renewed, so every viewer starts again from a log whose ids mean
 * one thing.
 */
public final class RedisSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSync.class);
    private static final int RETIRED_LOGS_KEPT = 16;

    enum Phase { DEAF, STALE, LIVE, CLOSED }

    /** How often the heartbeat is sent, how long without hearing it makes the instance deaf, how long a publisher waits to see its message. */
    public record Timings(Duration beatEvery, Duration deafAfter, Duration echoWait) {
        static final Timings DEFAULT = new Timings(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1));
    }

    /** The log id the listener holds and the highest next id seen in it: what a script result is judged against. */
    record Seen(String logId, long highest) {
    }

    /** What the sync thread is told. */
    sealed interface Event {
    }

    record Subscribed() implements Event {
    }

    record SubscriptionLost(String reason) implements Event {
    }

    record HeardMessage(String logId, Message message) implements Event {
    }

    record HeardClear(String logId, long nextId) implements Event {
    }

    record HeardRenewal(String logId) implements Event {
    }

    record HeardGarbled(String text) implements Event {
    }

    record HeardBeat() implements Event {
    }

    /** This instance's own append, with what it had seen before sending it; {@code handled} completes once the listener has it. */
    record OwnAppend(String logId, Message message, Seen before, CompletableFuture<Void> handled) implements Event {
    }

    record OwnClear(String logId, long nextId, Seen before, CompletableFuture<Void> handled) implements Event {
    }

    /** A read of old ids by this instance: its next id tells of the log too. */
    record OwnRead(String logId, long nextId, Seen before) implements Event {
    }

    private record Close() implements Event {
    }

    private final RedisCommands commands;
    private final int maxMessages;
    private final Metrics metrics;
    private final Timings timings;
    private final LongSupplier nanoTime;
    private final String beatChannel;
    private final BlockingQueue<Event> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private MessageLog.Listener listener;

    private volatile Phase phase = Phase.DEAF;
    /** {@link #logId} and {@link #highest}, published for the threads that send scripts. */
    private volatile Seen seen = new Seen(null, 0);
    /** The log the listener holds; null until the first read. */
    private String logId;
    /** The id the listener expects next: it has everything below it. */
    private long next;
    /** The highest next id seen in {@link #logId}, from any source: the sequence may never be found below it. */
    private long highest;
    /** The last id heard on this subscription in this log; -1 after subscribing. Ids heard only ever rise. */
    private long lastHeard = -1;
    /** The log id to renew before the next read, because its sequence went back; else null. */
    private String goneBack;
    /** Logs this instance moved away from: their late events are old news. */
    private final Set<String> retired = new LinkedHashSet<>();
    private final TreeMap<Long, List<CompletableFuture<Void>>> awaitedIds = new TreeMap<>();
    private long retryAt;
    private long retryPauseMillis = 100;
    private long nextBeatAt;
    private long lastBeatHeard;
    /** When the instance last went deaf, or last forced a reconnect while deaf. */
    private long deafSince;
    private Runnable forceReconnect = () -> { };

    RedisSync(RedisCommands commands, int maxMessages, Metrics metrics, Timings timings, LongSupplier nanoTime) {
        this.commands = commands;
        this.maxMessages = maxMessages;
        this.metrics = metrics;
        this.timings = timings;
        this.nanoTime = nanoTime;
        this.beatChannel = "nodecast:beat:" + UUID.randomUUID();
        this.thread = new Thread(this::run, "nodecast-redis-sync");
        thread.setDaemon(true);
    }

    /** The channel this instance's heartbeat goes to; its subscription must hear it. */
    String beatChannel() {
        return beatChannel;
    }

    /** Starts the sync thread. {@code forceReconnect} drops the subscription's connection, from any thread. */
    void start(MessageLog.Listener listener, Runnable forceReconnect) {
        this.listener = listener;
        this.forceReconnect = forceReconnect;
        deafSince = nanoTime.getAsLong();
        thread.start();
    }

    void post(Event event) {
        inbox.add(event);
    }

    Seen seen() {
        return seen;
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
                // A bug or damaged data must not stop the sync for good: say so and read the log afresh,
                // after a pause, so that a read failing the same way every time does not spin.
                LOG.error("the Redis sync failed; reading the log afresh", e);
                becomeStale("error");
                retryLater();
            }
        }
        phase = Phase.CLOSED;
        releaseAllAwaited();
    }

    private void handle(Event event) {
        if (event instanceof Subscribed) {
            lastHeard = -1;
            lastBeatHeard = nanoTime.getAsLong();
            nextBeatAt = lastBeatHeard;
            retryAt = lastBeatHeard;
            phase = Phase.STALE;
            metrics.resync("subscribed");
        } else if (event instanceof SubscriptionLost lost) {
            goDeaf(lost.reason());
        } else if (event instanceof HeardBeat) {
            lastBeatHeard = nanoTime.getAsLong();
        } else if (event instanceof HeardMessage heard) {
            message(heard.logId(), heard.message(), null);
        } else if (event instanceof HeardClear heard) {
            clear(heard.logId(), heard.nextId(), null);
        } else if (event instanceof HeardRenewal heard) {
            if (logId != null && !isKnown(heard.logId())) {
                becomeStale("new-log");
            }
        } else if (event instanceof HeardGarbled heard) {
            LOG.warn("unreadable event on the Redis subscription, reading the log afresh: {}", heard.text());
            becomeStale("garbled");
        } else if (event instanceof OwnAppend own) {
            message(own.logId(), own.message(), own.before());
            await(own.message().id(), own.handled());
        } else if (event instanceof OwnClear own) {
            clear(own.logId(), own.nextId(), own.before());
            own.handled().complete(null);
        } else if (event instanceof OwnRead read) {
            if (isCurrent(read.logId()) && !wentBack(read.nextId(), read.before(), "a read found the next id at " + read.nextId())) {
                highest = Math.max(highest, read.nextId());
                publishSeen();
            }
        } else if (event instanceof Close) {
            phase = Phase.CLOSED;
        }
    }

    /** {@code before}: null for a message heard on the subscription, else what was seen before this instance sent it. */
    private void message(String log, Message message, Seen before) {
        if (!isCurrent(log)) {
            return;
        }
        long id = message.id();
        if (before == null) {
            if (id <= lastHeard) {
                startAgain("id " + id + " was heard again after id " + lastHeard);
                return;
            }
            lastHeard = id;
        } else if (wentBack(id, before, "an append was given id " + id)) {
            return;
        }
        highest = Math.max(highest, id + 1);
        publishSeen();
        if (id == next) {
            next++;
            listener.onAppended(message);
            releaseAwaited();
        } else if (id > next && before == null) {
            becomeStale("gap");
        }
        // Below next: known already (an own append heard back, or covered by a read). Above next
        // from this instance: the subscription brings the ids before it, then this one.
    }

    private void clear(String log, long nextId, Seen before) {
        if (!isCurrent(log)) {
            return;
        }
        if (before == null) {
            if (nextId <= lastHeard) {
                startAgain("a clear at id " + nextId + " was heard after id " + lastHeard);
                return;
            }
            lastHeard = nextId - 1;
        } else if (wentBack(nextId, before, "a clear found the next id at " + nextId)) {
            return;
        }
        highest = Math.max(highest, nextId);
        publishSeen();
        next = Math.max(next, nextId);
        listener.onCleared(nextId);
        releaseAwaited();
    }

    /**
     * Whether events of {@code log} are to be applied: it is the log the listener holds and not
     * one found to have gone back. A log never seen makes the instance read the log afresh.
     */
    private boolean isCurrent(String log) {
        if (logId == null || goneBack != null || retired.contains(log)) {
            return false;
        }
        if (!log.equals(logId)) {
            becomeStale("new-log");
            return false;
        }
        return true;
    }

    private boolean isKnown(String log) {
        return log.equals(logId) || retired.contains(log);
    }

    /**
     * Whether a script's result shows the sequence went back since {@code before}: {@code handedOut}
     * is the id an append was given, or the next id a clear or read found. Any id below the highest
     * seen before the script was sent was handed out before; if so, starts again.
     */
    private boolean wentBack(long handedOut, Seen before, String what) {
        if (logId.equals(before.logId()) && handedOut < before.highest()) {
            startAgain(what + ", but id " + (before.highest() - 1) + " was seen before it was sent");
            return true;
        }
        return false;
    }

    /** The sequence went back: nothing more of this log is applied, and the next read renews it. */
    private void startAgain(String evidence) {
        LOG.warn("the id sequence in Redis went back ({}): writes were lost, in a failover perhaps; starting a new log so viewers resync",
                evidence);
        goneBack = logId;
        becomeStale("went-back");
    }

    private void becomeStale(String cause) {
        if (phase == Phase.LIVE) {
            phase = Phase.STALE;
            retryAt = nanoTime.getAsLong();
            metrics.resync(cause);
        }
    }

    private void goDeaf(String reason) {
        if (phase == Phase.LIVE || phase == Phase.STALE) {
            LOG.warn("not hearing Redis ({}): {}; subscribing again", commands.where(), reason);
            phase = Phase.DEAF;
            deafSince = nanoTime.getAsLong();
        }
        releaseAllAwaited();
    }

    private void doDuties() {
        long now = nanoTime.getAsLong();
        if (phase == Phase.STALE && now - retryAt >= 0) {
            readAfresh();
        }
        if (phase == Phase.DEAF && now - deafSince > timings.deafAfter().toNanos()) {
            // A subscribe that never got its answer (a black-holed master) would wait forever: start it again.
            deafSince = now;
            metrics.subscriptionDropped("deaf");
            forceReconnect.run();
        } else if (phase == Phase.STALE || phase == Phase.LIVE) {
            if (now - lastBeatHeard > timings.deafAfter().toNanos()) {
                metrics.subscriptionDropped("deaf");
                goDeaf("no heartbeat heard for " + timings.deafAfter().toMillis() + " ms");
                forceReconnect.run();
            } else if (now - nextBeatAt >= 0) {
                nextBeatAt = now + timings.beatEvery().toNanos();
                try {
                    commands.publish(beatChannel, "beat");
                } catch (LogUnavailableException e) {
                    // Redis is away: the subscription notices, or the missing heartbeat does.
                }
            }
        }
    }

    private long nanosToNextDuty() {
        long now = nanoTime.getAsLong();
        return switch (phase) {
            case DEAF -> Math.max(0, deafSince + timings.deafAfter().toNanos() + 1 - now);
            case CLOSED -> 0;
            case STALE -> Math.max(0, Math.min(retryAt, nextBeatAt) - now);
            case LIVE -> Math.max(0, Math.min(nextBeatAt, lastBeatHeard + timings.deafAfter().toNanos() + 1) - now);
        };
    }

    /** Renews the log if it went back, then reads the newest messages and hands them to the listener as the whole truth. */
    private void readAfresh() {
        try {
            if (goneBack != null) {
                String renewed = commands.renew(goneBack);
                metrics.logRenewed();
                LOG.warn("log {} replaced by log {}; viewers start again from id 0", goneBack, renewed);
                goneBack = null;
            }
            LogSlice newest = commands.newest(maxMessages);
            metrics.logRead("resync");
            if (newest.logId().equals(logId) && newest.nextId() < highest) {
                startAgain("a read found the next id at " + newest.nextId() + ", but id " + (highest - 1) + " was seen before");
                retryAt = nanoTime.getAsLong();
                phase = Phase.STALE;
                return;
            }
            apply(newest);
        } catch (LogUnavailableException e) {
            retryLater();
        }
    }

    /** The next read waits a pause that doubles, from 0.1 s up to 2 s, until a read succeeds. */
    private void retryLater() {
        retryAt = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(retryPauseMillis);
        retryPauseMillis = Math.min(retryPauseMillis * 2, 2_000);
    }

    private void apply(LogSlice newest) {
        boolean newLog = logId != null && !logId.equals(newest.logId());
        if (newLog) {
            LOG.warn("the log in Redis is now {} (was {}); viewers start again from id 0", newest.logId(), logId);
            retired.add(logId);
            if (retired.size() > RETIRED_LOGS_KEPT) {
                retired.remove(retired.iterator().next());
            }
            lastHeard = -1;
        }
        highest = newLog || logId == null ? newest.nextId() : Math.max(highest, newest.nextId());
        logId = newest.logId();
        next = newest.nextId();
        publishSeen();
        phase = Phase.LIVE;
        retryPauseMillis = 100;
        listener.onSynced(newest);
        if (newLog) {
            releaseAllAwaited();
        } else {
            releaseAwaited();
        }
    }

    private void publishSeen() {
        seen = new Seen(logId, highest);
    }

    private void await(long id, CompletableFuture<Void> handled) {
        if (id < next || phase == Phase.DEAF) {
            handled.complete(null);
        } else {
            awaitedIds.computeIfAbsent(id, k -> new ArrayList<>()).add(handled);
        }
    }

    private void releaseAwaited() {
        Map<Long, List<CompletableFuture<Void>>> handed = awaitedIds.headMap(next);
        handed.values().forEach(waiting -> waiting.forEach(f -> f.complete(null)));
        handed.clear();
    }

    private void releaseAllAwaited() {
        awaitedIds.values().forEach(waiting -> waiting.forEach(f -> f.complete(null)));
        awaitedIds.clear();
    }

    /** Stops the sync thread; the listener hears nothing more. */
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
