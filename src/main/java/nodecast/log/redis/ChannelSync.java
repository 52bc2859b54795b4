package nodecast.log.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * What this instance holds of one channel's log in Redis, and the listener it keeps in step: every
 * committed message handed over once, in id order, and a move to a new log when the old one is
 * gone. Run only by {@link RedisSync}'s thread, which owns every field but {@link #held}; its
 * reads run on a reader thread ({@link ChannelRead}) and come back as events.
 *
 * <pre>
 *   NEVER_READ --its subscription hears: read the newest messages--&gt; READING
 *   STALE      --read what was missed, from the newest message held (or the newest whole, if those no longer follow on)--&gt; READING
 *   GONE_BACK  --renew the log, then read its newest messages--&gt; READING
 *   FAILED     --after its back-off (0.1 s doubling to 2 s; to 30 s for damaged data)--&gt; READING
 *   READING    --read: Redis holds the message held, and the ids follow on--&gt; LIVE
 *   READING    --read: more to read, the ids held no longer follow on, or a change came meanwhile (subscribed again, garbled)--&gt; STALE
 *   READING    --read: Redis holds another message at an id held, or its next id is below one held--&gt; GONE_BACK
 *   READING    --read failed: Redis unavailable, or its data damaged--&gt; FAILED
 *   LIVE       --subscribed again, a gap in the ids heard, another log's event, a garbled event--&gt; STALE
 *   LIVE, STALE, FAILED --a message other than the one held at its id, or an own write given an id (or a clear a next id) held before--&gt; GONE_BACK
 *   FAILED     --subscribed again: at once--&gt; NEVER_READ, STALE or GONE_BACK, as it was before it failed
 *   any        --handling it threw (a bug, or the listener refused what it was handed)--&gt; FAILED, then read whole
 * </pre>
 *
 * While READING, events about the channel wait and are handed over after the read, in order,
 * as if the read had happened between them. In LIVE, STALE and FAILED (once a log is held) a
 * message whose id is the next one the listener expects is handed to it: what Redis committed
 * is true whatever the state.
 *
 * <p>One rule finds writes lost in a failover: the message this instance holds at an id must be
 * the one Redis holds there (same text, same time). It is checked on every read of the same log
 * (which starts at the newest message held), on every message heard at that id, and on every
 * write of this instance, which must be given an id this instance did not hold when it sent it.
 * Redis's next id below one held breaks it too. Then nothing more of that log is handed over,
 * and it is renewed: every viewer starts again from a log whose ids mean one thing.
 */
final class ChannelSync {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelSync.class);
    /** The most events kept waiting for one read; past it they are dropped and the channel read again. */
    private static final int DEFERRED_LIMIT = 10_000;

    enum State { NEVER_READ, READING, LIVE, STALE, GONE_BACK, FAILED }

    /** What this instance held of the log when a write was sent: the log id and the next id. */
    record Held(String logId, long next) {
    }

    private final ChannelName channel;
    /** Its partition, worked out once: the sync asks it for every channel a subscription carries. */
    private final int partition;
    private final MessageLog.Listener listener;
    private final Metrics metrics;
    private final LongSupplier nanoTime;

    private State state = State.NEVER_READ;
    /** {@link #logId} and {@link #next}, published for the threads that send writes. */
    private volatile Held held = new Held(null, 0);
    /** The log the listener holds; null until the first read. */
    private String logId;
    /** The id the listener expects next: it has everything below it. */
    private long next;
    /** The message the listener holds at {@code next - 1}; null when it holds none there (nothing yet, or cleared). */
    private Message last;
    /** GONE_BACK, and FAILED while renewing: the log to renew. */
    private String goneBack;
    /** The next read must be of the newest messages: the ids held no longer follow on from what Redis keeps. */
    private boolean readWhole;
    /** READING: something came that the read in flight may not cover, so read once more after it. */
    private boolean readAgain;
    /** Set by a resubscription or a failure of Redis, cleared by a read: until then readiness waits for this channel. */
    private boolean mustReread;
    /** FAILED: why. */
    private ChannelFailure failure;
    private final List<RedisSync.Event> deferred = new ArrayList<>();
    private final TreeMap<Long, List<CompletableFuture<Void>>> awaitedIds = new TreeMap<>();
    private long dueAt;
    private long retryPauseMillis = 100;

    ChannelSync(ChannelName channel, MessageLog.Listener listener, Metrics metrics, LongSupplier nanoTime) {
        this.channel = channel;
        this.partition = RedisKeys.partition(channel);
        this.listener = listener;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
        this.dueAt = nanoTime.getAsLong();
    }

    ChannelName channel() {
        return channel;
    }

    int partition() {
        return partition;
    }

    Held held() {
        return held;
    }

    boolean feeds(MessageLog.Listener other) {
        return listener == other;
    }

    /** When this channel next needs a read, or Long.MAX_VALUE when it needs none (or one is under way). */
    long dueAt() {
        return switch (state) {
            case NEVER_READ, STALE, GONE_BACK, FAILED -> dueAt;
            case READING, LIVE -> Long.MAX_VALUE;
        };
    }

    /** Whether readiness must wait for it: it was to be read again (resubscribed, or Redis failed) and is not yet, but for damaged data. */
    boolean holdsBack() {
        return mustReread && state != State.LIVE && failure != ChannelFailure.DAMAGED;
    }

    /** Why its reads fail, until one succeeds; null when they do not. */
    ChannelFailure failure() {
        return failure;
    }

    /** A new subscription: what came before it must be read, and readiness waits for that. */
    void subscribed() {
        mustReread = true;
        if (state == State.FAILED) {
            // Redis answers again, most likely: try at once, whatever the back-off had reached.
            retryPauseMillis = 100;
            state = goneBack != null ? State.GONE_BACK : logId == null ? State.NEVER_READ : State.STALE;
            dueAt = nanoTime.getAsLong();
        }
        if (state != State.NEVER_READ) {
            metrics.resync(ResyncCause.SUBSCRIBED.label);
        }
        stale(null);
    }

    /** While nothing is heard, nobody should wait to see their own write come back. */
    void deaf() {
        releaseAllAwaited();
    }

    /** An event about this channel: heard on the subscription, or one of this instance's own writes. */
    void handle(RedisSync.Event event) {
        if (state == State.READING) {
            if (deferred.size() < DEFERRED_LIMIT) {
                deferred.add(event);
            } else {
                readAgain = true; // what the dropped events told, the read after this one finds
                if (event instanceof RedisSync.OwnWrite own) {
                    own.handled().complete(null);
                }
            }
            return;
        }
        if (event instanceof RedisSync.HeardMessage heard) {
            if (follows(heard.logId())) {
                message(heard.message(), null);
            }
        } else if (event instanceof RedisSync.HeardClear heard) {
            if (follows(heard.logId())) {
                clear(heard.nextId(), null);
            }
        } else if (event instanceof RedisSync.HeardRenewal heard) {
            if (logId != null && goneBack == null && !heard.logId().equals(logId)) {
                stale(ResyncCause.NEW_LOG);
            }
        } else if (event instanceof RedisSync.HeardGarbled heard) {
            if (heard.channel() != null && state == State.LIVE) { // once until read again; for no channel, the sync said so once
                LOG.warn("unreadable event for channel {} on the Redis subscription, reading it afresh: {}", channel, heard.text());
            }
            stale(ResyncCause.GARBLED);
        } else if (event instanceof RedisSync.OwnAppend own) {
            if (follows(own.logId())) {
                message(own.message(), own.before());
            }
            if (own.message().id() < next || !own.logId().equals(logId) || goneBack != null) {
                own.handled().complete(null); // handed over, or never will be in this log
            } else {
                awaitedIds.computeIfAbsent(own.message().id(), id -> new ArrayList<>()).add(own.handled());
            }
        } else if (event instanceof RedisSync.OwnClear own) {
            if (follows(own.logId())) {
                clear(own.nextId(), own.before());
            }
            own.handled().complete(null);
        }
    }

    /**
     * Whether an event of {@code log} is to be applied: a log is held, not gone back, and it is
     * that one. Another log's event makes the channel read again: the read tells whether that log
     * is newer or one this channel left.
     */
    private boolean follows(String log) {
        if (logId == null || goneBack != null) {
            return false; // a read is to come, and it holds whatever this event told
        }
        if (!log.equals(logId)) {
            stale(ResyncCause.NEW_LOG);
            return false;
        }
        return true;
    }

    /** {@code before}: null for a message heard, else what this instance held when it sent that write. */
    private void message(Message message, Held before) {
        long id = message.id();
        if (before != null && logId.equals(before.logId()) && id < before.next()) {
            wentBack("a write of this instance was given id " + id + ", which it held before sending it");
        } else if (id == next) {
            handOver(message);
        } else if (id == next - 1 && last != null && !sameMessage(message, last)) {
            wentBack("id " + id + " is now " + describe(message) + ", but this instance holds " + describe(last) + " there");
        } else if (id > next && before == null) {
            stale(ResyncCause.GAP);
        }
        // Below next: held already (a write of this instance heard back, or covered by a read). Above
        // next from this instance: the subscription brings the ids before it, then this one.
    }

    private void clear(long nextId, Held before) {
        if (before != null && logId.equals(before.logId()) && nextId < before.next()) {
            wentBack("a clear of this instance found the next id at " + nextId + ", but id " + (before.next() - 1) + " was held before");
        } else if (nextId >= next) {
            next = nextId;
            last = null;
            publishHeld();
            listener.onCleared(nextId);
            releaseAwaited();
        }
        // Below next: a clear this instance's reads have covered already.
    }

    private void handOver(Message message) {
        next = message.id() + 1;
        last = message;
        publishHeld();
        listener.onAppended(message);
        releaseAwaited();
    }

    /** Something the listener holds may be out of date: read what was missed. {@code cause}: null when counted already. */
    private void stale(ResyncCause cause) {
        switch (state) {
            case LIVE -> {
                state = State.STALE;
                dueAt = nanoTime.getAsLong();
                if (cause != null) {
                    metrics.resync(cause.label);
                }
            }
            case READING -> readAgain = true;
            case NEVER_READ, STALE, GONE_BACK, FAILED -> {
                // a read is due already
            }
        }
    }

    /** The sequence went back: nothing more of this log is handed over, and the next read renews it. */
    private void wentBack(String evidence) {
        LOG.warn("the id sequence of channel {} in Redis went back ({}): writes were lost, in a failover perhaps; "
                + "starting a new log so viewers resync", channel, evidence);
        goneBack = logId;
        state = State.GONE_BACK;
        dueAt = nanoTime.getAsLong();
        metrics.resync(ResyncCause.WENT_BACK.label);
        releaseAllAwaited();
    }

    /** The read to make now; the channel is READING until {@link #readDone} or {@link #readFailed}. */
    ChannelRead startRead() {
        ChannelRead read;
        if (goneBack != null) {
            read = ChannelRead.renew(goneBack);
        } else if (logId == null || readWhole) {
            read = ChannelRead.newest();
        } else {
            read = last != null ? ChannelRead.since(next - 1, last) : ChannelRead.since(next, null);
        }
        state = State.READING;
        readAgain = false;
        return read;
    }

    void readDone(ChannelRead read, LogSlice slice) {
        metrics.logRead("resync");
        if (read.kind() == ChannelRead.Kind.RENEW) {
            metrics.logRenewed();
            LOG.warn("log {} of channel {} replaced by log {}; viewers start again from id 0", read.goneBack(), channel, slice.logId());
        }
        boolean more = read.kind() == ChannelRead.Kind.SINCE ? caughtUp(read, slice) : synced(slice);
        if (state == State.READING) { // not gone back
            if (more || readWhole || readAgain) {
                state = State.STALE;
                dueAt = nanoTime.getAsLong();
            } else {
                state = State.LIVE;
                mustReread = false;
                failure = null;
                retryPauseMillis = 100;
            }
        }
        handDeferred();
    }

    void readFailed(RuntimeException e) {
        fail(ChannelFailure.of(e), e.getMessage());
        handDeferred();
    }

    /** Handling an event or a read of this channel threw (a bug, or the listener refused what it was handed): read it whole, after a pause. */
    void failed(RuntimeException e) {
        LOG.error("the Redis sync failed on channel {}; reading it afresh", channel, e);
        readWhole = true;
        fail(ChannelFailure.DAMAGED, e.toString());
    }

    /** FAILED: logged and counted once per failure that starts, read again after a back-off. */
    private void fail(ChannelFailure now, String reason) {
        if (failure != now) {
            LOG.warn("channel {} cannot be read from Redis ({}): {}; serving the other channels, retrying it", channel, now.label, reason);
            metrics.channelFailed(now.label);
        }
        failure = now;
        mustReread |= now == ChannelFailure.UNAVAILABLE;
        state = State.FAILED;
        dueAt = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(retryPauseMillis);
        retryPauseMillis = Math.min(retryPauseMillis * 2, now.maxPauseMillis);
    }

    /** A read of the newest messages (after a renewal, perhaps): the whole truth, unless it shows the sequence went back. Returns false: nothing more to read. */
    private boolean synced(LogSlice newest) {
        boolean sameLog = newest.logId().equals(logId);
        Message atLast = last == null ? null : find(newest.messages(), last.id());
        if (sameLog && newest.nextId() < next) {
            wentBack("a read found the next id at " + newest.nextId() + ", but id " + (next - 1) + " is held");
            return false;
        }
        if (sameLog && atLast != null && !sameMessage(atLast, last)) {
            wentBack("id " + last.id() + " is now " + describe(atLast) + ", but this instance holds " + describe(last) + " there");
            return false;
        }
        boolean newLog = logId != null && !sameLog;
        if (newLog) {
            LOG.warn("the log of channel {} in Redis is now {} (was {}); viewers start again from id 0", channel, newest.logId(), logId);
        }
        logId = newest.logId();
        next = newest.nextId();
        List<Message> messages = newest.messages();
        last = !messages.isEmpty() && messages.get(messages.size() - 1).id() == next - 1 ? messages.get(messages.size() - 1) : null;
        goneBack = null;
        readWhole = false;
        publishHeld();
        listener.onSynced(newest);
        if (newLog) {
            releaseAllAwaited();
        } else {
            releaseAwaited();
        }
        return false;
    }

    /**
     * A read of what was missed, from the newest message held: that one must be Redis's too, and
     * the rest follow on. Returns whether there is more to read.
     */
    private boolean caughtUp(ChannelRead read, LogSlice slice) {
        if (!slice.logId().equals(logId)) {
            readWhole = true; // another log: read its newest
            return false;
        }
        if (slice.nextId() < next) {
            wentBack("a read found the next id at " + slice.nextId() + ", but id " + (next - 1) + " is held");
            return false;
        }
        List<Message> messages = slice.messages();
        int first = 0;
        if (read.held() != null) {
            if (messages.isEmpty() || messages.get(0).id() != read.from()) {
                readWhole = true; // the message held is trimmed or cleared: what follows it cannot be checked against it
                return false;
            }
            if (!sameMessage(messages.get(0), read.held())) {
                wentBack("id " + read.from() + " is now " + describe(messages.get(0)) + ", but this instance holds "
                        + describe(read.held()) + " there");
                return false;
            }
            first = 1;
        }
        for (Message message : messages.subList(first, messages.size())) {
            if (message.id() != next) {
                readWhole = true; // a hole: the ids do not follow on
                return false;
            }
            handOver(message);
        }
        if (messages.size() == ChannelRead.CATCH_UP) {
            return true;
        }
        readWhole = slice.nextId() > next; // ids given out but not kept: cleared or trimmed meanwhile
        return false;
    }

    private void handDeferred() {
        List<RedisSync.Event> waiting = new ArrayList<>(deferred);
        deferred.clear();
        waiting.forEach(this::handle);
    }

    void close() {
        deferred.stream().filter(RedisSync.OwnWrite.class::isInstance).forEach(own -> ((RedisSync.OwnWrite) own).handled().complete(null));
        deferred.clear();
        releaseAllAwaited();
    }

    private void publishHeld() {
        held = new Held(logId, next);
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

    private static Message find(List<Message> messages, long id) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).id() == id) {
                return messages.get(i);
            }
        }
        return null;
    }

    /** The same message: same text, same time (the id is the place compared). */
    private static boolean sameMessage(Message a, Message b) {
        return a.text().equals(b.text()) && a.time().equals(b.time());
    }

    private static String describe(Message message) {
        String text = message.text().length() > 40 ? message.text().substring(0, 40) + "…" : message.text();
        return "'" + text + "' of " + message.time();
    }
}
