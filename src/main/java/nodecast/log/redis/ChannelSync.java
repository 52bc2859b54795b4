package nodecast.log.redis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import nodecast.log.ChannelName;
import nodecast.log.LogSlice;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.log.MessageLog;
import nodecast.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this instance knows of one channel's log in Redis, and the listener it keeps in step: every
 * committed message handed over once, in id order, and a move to a new log when the old one is
 * gone. Run only by {@link RedisSync}'s thread, which owns every field but {@link #seen}.
 *
 * <pre>
 *            subscribed, a gap in the stream, a new log id, the sequence went back, garbled
 *   LIVE --------------------------------------------------------------------------------&gt; STALE
 *   STALE --read the newest messages (renewing the log first if it went back), handed to the listener--&gt; LIVE
 *   STALE --read failed (or not subscribed): retry after 0.1 s .. 2 s--&gt; STALE
 * </pre>
 *
 * In both states a message whose id is the next one the listener expects is handed to it: what
 * Redis committed is true whatever the state. Anything else waits for the read.
 *
 * <p>The sequence going back (writes lost in a failover) is any id this instance sees handed out
 * again under the same log id: a read whose next id is below the highest id seen, an id heard
 * twice on the subscription, or an append or clear whose id is below what was seen before it was
 * sent. Then nothing more of that log is applied, and the next read renews it, so every viewer
 * starts again from a log whose ids mean one thing.
 */
final class ChannelSync {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelSync.class);
    private static final int RETIRED_LOGS_KEPT = 16;

    /** The log id the listener holds and the highest next id seen in it: what a script result is judged against. */
    record Seen(String logId, long highest) {
    }

    private final ChannelName channel;
    /** Its partition, worked out once: the sync asks it for every channel after every event. */
    private final int partition;
    private final MessageLog.Listener listener;
    private final RedisCommands commands;
    private final int maxMessages;
    private final Metrics metrics;
    private final LongSupplier nanoTime;

    private boolean stale = true;
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
    /** Logs this channel moved away from: their late events are old news. */
    private final Set<String> retired = new LinkedHashSet<>();
    private final TreeMap<Long, List<CompletableFuture<Void>>> awaitedIds = new TreeMap<>();
    private long retryAt;
    private long retryPauseMillis = 100;

    ChannelSync(ChannelName channel, MessageLog.Listener listener, RedisCommands commands, int maxMessages, Metrics metrics,
            LongSupplier nanoTime) {
        this.channel = channel;
        this.partition = RedisKeys.partition(channel);
        this.listener = listener;
        this.commands = commands;
        this.maxMessages = maxMessages;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
        this.retryAt = nanoTime.getAsLong();
    }

    Seen seen() {
        return seen;
    }

    int partition() {
        return partition;
    }

    boolean feeds(MessageLog.Listener other) {
        return listener == other;
    }

    /** A new subscription: its stream starts afresh, and what came before it must be read. */
    void subscribed() {
        lastHeard = -1;
        becomeStale("subscribed");
        retryAt = nanoTime.getAsLong();
    }

    /** While nothing is heard, nobody should wait to see their own message come back. */
    void deaf() {
        releaseAllAwaited();
    }

    void heardMessage(String log, Message message) {
        message(log, message, null);
    }

    void heardClear(String log, long nextId) {
        clear(log, nextId, null);
    }

    void heardRenewal(String log) {
        if (logId != null && !log.equals(logId) && !retired.contains(log)) {
            becomeStale("new-log");
        }
    }

    void heardGarbled(String text) {
        LOG.warn("unreadable event for channel {} on the Redis subscription, reading it afresh: {}", channel, text);
        becomeStale("garbled");
    }

    /** This instance's own append: {@code handled} completes once the listener has it (or nobody can tell when). */
    void ownAppend(String log, Message message, Seen before, CompletableFuture<Void> handled) {
        message(log, message, before);
        if (message.id() < next || logId == null) {
            handled.complete(null);
        } else {
            awaitedIds.computeIfAbsent(message.id(), k -> new ArrayList<>()).add(handled);
        }
    }

    void ownClear(String log, long nextId, Seen before) {
        clear(log, nextId, before);
    }

    /** A read of old ids by this instance: its next id tells of the log too. */
    void ownRead(String log, long nextId, Seen before) {
        if (isCurrent(log) && !wentBack(nextId, before, "a read found the next id at " + nextId)) {
            highest = Math.max(highest, nextId);
            publishSeen();
        }
    }

    /** Reads the log afresh if it is stale and its retry is due; {@code hearing}: only a subscribed instance can trust a read. */
    void readIfDue(boolean hearing) {
        if (stale && hearing && nanoTime.getAsLong() - retryAt >= 0) {
            readAfresh();
        }
    }

    /** When this channel next needs the thread, or Long.MAX_VALUE. */
    long dueAt() {
        return stale ? retryAt : Long.MAX_VALUE;
    }

    void close() {
        releaseAllAwaited();
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
     * one found to have gone back. A log never seen makes the channel stale.
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
        LOG.warn("the id sequence of channel {} in Redis went back ({}): writes were lost, in a failover perhaps; "
                + "starting a new log so viewers resync", channel, evidence);
        goneBack = logId;
        becomeStale("went-back");
        retryAt = nanoTime.getAsLong();
    }

    private void becomeStale(String cause) {
        if (!stale) {
            stale = true;
            retryAt = nanoTime.getAsLong();
            metrics.resync(cause);
        }
    }

    /** Renews the log if it went back, then reads the newest messages and hands them to the listener as the whole truth. */
    private void readAfresh() {
        try {
            if (goneBack != null) {
                String renewed = commands.renew(channel, goneBack);
                metrics.logRenewed();
                LOG.warn("log {} of channel {} replaced by log {}; viewers start again from id 0", goneBack, channel, renewed);
                goneBack = null;
            }
            LogSlice newest = commands.newest(channel, maxMessages);
            metrics.logRead("resync");
            if (newest.logId().equals(logId) && newest.nextId() < highest) {
                startAgain("a read found the next id at " + newest.nextId() + ", but id " + (highest - 1) + " was seen before");
                return;
            }
            apply(newest);
        } catch (LogUnavailableException e) {
            retryLater();
        }
    }

    /** Something failed while handling this channel (a bug, damaged data): read it afresh, after a pause so a failure that repeats cannot spin. */
    void failed() {
        becomeStale("error");
        retryLater();
    }

    /** The next read waits a pause that doubles, from 0.1 s up to 2 s, until a read succeeds. */
    private void retryLater() {
        retryAt = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(retryPauseMillis);
        retryPauseMillis = Math.min(retryPauseMillis * 2, 2_000);
    }

    private void apply(LogSlice newest) {
        boolean newLog = logId != null && !logId.equals(newest.logId());
        if (newLog) {
            LOG.warn("the log of channel {} in Redis is now {} (was {}); viewers start again from id 0", channel, newest.logId(), logId);
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
        stale = false;
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

    private void releaseAwaited() {
        Map<Long, List<CompletableFuture<Void>>> handed = awaitedIds.headMap(next);
        handed.values().forEach(waiting -> waiting.forEach(f -> f.complete(null)));
        handed.clear();
    }

    private void releaseAllAwaited() {
        awaitedIds.values().forEach(waiting -> waiting.forEach(f -> f.complete(null)));
        awaitedIds.clear();
    }
}
