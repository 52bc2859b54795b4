package nodecast.fanout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import nodecast.log.LogSlice;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.log.MessageLog;
import nodecast.log.MessageRing;
import nodecast.metrics.Metrics;

/**
 * Answers "messages from id N on", wakes parked waiters when messages arrive, and feeds the
 * streams that follow the channel.
 *
 * <p>It keeps the newest messages of the log (fed, in id order, by the log itself) so that
 * requests are answered from memory and one arriving message costs one encoding per distinct
 * answer, however many waiters get it. The tail keeps as many messages as the log does, so once
 * synced it is the whole log: an id older than it was trimmed or cleared from the log too, and
 * is answered from the tail's start. Only before the first sync (or if the log held a gap) is the
 * log itself read, on {@code blocking}, never on the caller's thread. Answers for one request
 * are encoded on {@code blocking} as well: a thousand messages are no work for an IO thread.
 *
 * <p>Why no wake-up is lost: a waiter is parked under the same lock that appends to the tail,
 * so a message either is in the tail when the waiter looks (answered at once) or arrives after
 * the waiter is parked (woken). After a log read that found nothing, the waiter is parked at the
 * log's next id as of that read, so a message committed between the read and the park is still
 * found in the tail.
 *
 * <p>Streams ({@link Follower}s) take the same care: a stream pulls what it lacks from the tail
 * under the lock that appends, and the pull that finds nothing makes it live in the same step,
 * so each message is either in what it pulled or pushed to it afterwards, never both or neither.
 * Pushes, like wake-ups, run outside the lock, in the order the log feeds the broadcaster, as one
 * task per thread per event ({@link Hops}): the waiters and followers of one IO thread are all
 * served by that thread's one task.
 */
public final class Broadcaster implements MessageLog.Listener {
    private final MessageLog log;
    private final Executor blocking;
    private final Metrics metrics;
    private final int batchLimit;

    /** The most messages an answer may carry to be encoded on the thread that asked for it. */
    private static final int ENCODED_INLINE = 16;

    private final Object lock = new Object();
    private final MessageRing tail;
    private final TreeMap<Long, Set<Waiter>> parkedById = new TreeMap<>();
    private final Map<Waiter, Long> parkedAt = new HashMap<>();
    /** Written under the lock, read without it: every /wait checks it, and one value is all a reader needs. */
    private volatile String logId;
    private volatile Batch empty = Batch.of(null, List.of());
    /** {@code parkedAt.size()}, readable without the lock by the admission check of every /wait. */
    private volatile int parkedCount;
    private final AtomicInteger parkedEverywhere;
    private final Followers followers;
    private final Map<Encoding, EncodingMemo> encodings = new ConcurrentHashMap<>();
    /** False until the log's first sync: until then the tail says nothing about the log. */
    private boolean synced;
    /** Whether the tail holds every message the log keeps, so ids below it need no log read. */
    private boolean wholeLog;
    /** Set on shutdown, under the lock: nothing parks any more, so every viewer goes to re-poll elsewhere. */
    private volatile boolean closing;

    public Broadcaster(MessageLog log, Executor blocking, Metrics metrics, int tailCapacity, int batchLimit) {
        this(log, blocking, metrics, tailCapacity, batchLimit, new AtomicInteger(), new AtomicInteger());
    }

    /**
     * {@code parkedEverywhere}, {@code followingEverywhere}: the waiters parked on, and the streams
     * following, every broadcaster that shares them, kept up to date by each.
     */
    Broadcaster(MessageLog log, Executor blocking, Metrics metrics, int tailCapacity, int batchLimit, AtomicInteger parkedEverywhere,
            AtomicInteger followingEverywhere) {
        this.parkedEverywhere = parkedEverywhere;
        this.followers = new Followers(followingEverywhere);
        this.log = log;
        this.blocking = blocking;
        this.metrics = metrics;
        this.batchLimit = batchLimit;
        this.tail = new MessageRing(tailCapacity);
    }

    /** Answers {@code waiter} with the messages from {@code start} on: now if there are any, else when one arrives. */
    public void await(Start start, Waiter waiter) {
        resolve(start, waiter, from -> await(from, waiter, true));
    }

    /**
     * {@code mayReadLog}: whether an id older than the tail may be looked up in the log. After a
     * log read that found nothing it may not: the tail moved on past a whole tail's worth since
     * that read, and an empty answer makes the client ask again rather than loop here.
     */
    private void await(long from, Waiter waiter, boolean mayReadLog) {
        Unencoded now;
        synchronized (lock) {
            if (waiter.isFinished()) {
                return;
            }
            if (closing) {
                now = new Unencoded(logId, List.of());
            } else if (!synced || firstKept(from) >= tail.end()) {
                park(from, waiter);
                return;
            } else if (isInMemory(from)) {
                now = batch(from);
            } else {
                now = mayReadLog ? null : new Unencoded(logId, List.of());
            }
        }
        if (now != null) {
            answerSoon(now, waiter);
        } else {
            readLog(from, waiter, true);
        }
    }

    /** Answers {@code reader} at once with the messages from {@code start} on, possibly none. */
    public void since(Start start, Waiter reader) {
        resolve(start, reader, from -> since(from, reader));
    }

    /**
     * Runs {@code then} with the first id {@code start} means. The newest messages are counted back
     * from the tail's end, or before the first sync from the log's next id, read on {@code blocking}.
     * A message arriving between that and {@code then} is simply answered too: it follows the newest.
     */
    private void resolve(Start start, Waiter waiter, LongConsumer then) {
        if (start instanceof Start.AtId at) {
            then.accept(at.id());
            return;
        }
        long from = -1;
        synchronized (lock) {
            if (synced) {
                from = start.firstId(tail.start(), tail.end());
            }
        }
        if (from >= 0) {
            then.accept(from);
            return;
        }
        blocking.execute(() -> {
            long nextId;
            try {
                nextId = log.since(0, 0).nextId();
            } catch (LogUnavailableException e) {
                waiter.fail(e.getMessage());
                return;
            }
            then.accept(start.firstId(0, nextId));
        });
    }

    private void since(long from, Waiter reader) {
        Unencoded now = null;
        synchronized (lock) {
            if (synced && isInMemory(from)) {
                now = batch(from);
            }
        }
        if (now != null) {
            answerSoon(now, reader);
        } else {
            readLog(from, reader, false);
        }
    }

    /**
     * Gives {@code follower} the messages from {@code start} on, at most {@code limit}, and
     * registers it if it is new. A pull that finds none makes the follower live in the same step:
     * every later message is pushed to it. {@code followedLog} is the log the follower's ids belong
     * to (null for none yet); if that log is gone, the follower starts again from 0 of this one.
     * Ids older than the tail count as gone: the tail holds every message the log keeps, unless the
     * log itself held a gap, and a stream skips that rather than read around it.
     *
     * <p>Returns null before the first sync (the follower is told {@link Follower#onResync} once
     * synced) and once closing (it is told {@link Follower#end}).
     */
    public Catchup pull(Follower follower, Start start, String followedLog, int limit) {
        synchronized (lock) {
            if (!closing) {
                followers.add(follower);
                if (!synced) {
                    return null;
                }
                long from = followedLog == null || followedLog.equals(logId) ? start.firstId(tail.start(), tail.end()) : 0;
                long first = Math.max(from, tail.start());
                Catchup found = new Catchup(logId, from, first, tail.from(first, limit));
                if (found.isLive()) {
                    followers.makeLive(follower);
                }
                return found;
            }
        }
        follower.end();
        return null;
    }

    /** Forgets a follower whose stream ended. */
    public void unfollow(Follower follower) {
        synchronized (lock) {
            followers.remove(follower);
        }
    }

    public int followerCount() {
        return followers.count();
    }

    /** {@code message} of log {@code log} as {@code encoding} writes it: encoded once, shared by every stream of this channel. */
    public ByteBuffer encoded(String log, Message message, Encoding encoding) {
        return encodings.computeIfAbsent(encoding, EncodingMemo::new).of(log, message);
    }

    /**
     * Delivers an answer for one request. A few messages are encoded at once, on the caller's
     * thread (an IO thread: that costs about as much as writing the headers); more on a worker
     * thread, so a viewer a thousand messages behind never holds up an IO thread's other connections.
     */
    private void answerSoon(Unencoded answer, Waiter waiter) {
        if (answer.messages().size() <= ENCODED_INLINE) {
            waiter.deliver(answer.encode());
        } else {
            blocking.execute(() -> waiter.deliver(answer.encode()));
        }
    }

    /** Whether the tail can answer {@code from}: it holds that id, or it holds the whole log and the id is gone from both. */
    private boolean isInMemory(long from) {
        return from >= tail.start() || wholeLog;
    }

    /** The first id an answer for {@code from} would start at, as far as the tail knows. */
    private long firstKept(long from) {
        return wholeLog ? Math.max(from, tail.start()) : from;
    }

    /** For shutdown: answers every parked waiter now (empty), ends every stream, and serves none from here on. */
    public void releaseAll() {
        List<Wake> wakeUps;
        Follower[] ending;
        synchronized (lock) {
            closing = true;
            wakeUps = takeAll();
            ending = followers.removeAll();
        }
        Hops hops = new Hops();
        wake(wakeUps, hops);
        hops.send();
        for (Follower follower : ending) {
            follower.end();
        }
    }

    public boolean isClosing() {
        return closing;
    }

    /** Forgets a waiter that was answered some other way (timeout, disconnect). */
    public void remove(Waiter waiter) {
        synchronized (lock) {
            Long at = parkedAt.remove(waiter);
            countParked();
            if (at != null) {
                Set<Waiter> bucket = parkedById.get(at);
                bucket.remove(waiter);
                if (bucket.isEmpty()) {
                    parkedById.remove(at);
                }
            }
        }
    }

    public int parkedCount() {
        return parkedCount;
    }

    /** The log id viewers should hold now; null before the first sync. */
    public String logId() {
        return logId;
    }

    /** An empty answer in the current log (naming none before the first sync), for a wait that timed out. */
    public Batch emptyBatch() {
        return empty;
    }

    @Override
    public void onAppended(Message message) {
        long started = System.nanoTime();
        List<Wake> wakeUps;
        Followers.Group[] live;
        String appendedTo;
        synchronized (lock) {
            if (tail.size() == tail.capacity() && tail.capacity() < log.capacity()) {
                wholeLog = false; // the tail drops a message the log still keeps
            }
            // The log promises the next id; MessageRing refuses any other, loudly, rather than keep a gap.
            tail.add(message);
            wakeUps = takeReady();
            live = followers.live();
            appendedTo = logId;
        }
        if (!wakeUps.isEmpty() || live.length > 0) {
            Hops hops = new Hops();
            wake(wakeUps, hops);
            Consumer<Follower> push = follower -> follower.onMessage(appendedTo, message);
            for (Followers.Group group : live) {
                hops.call(group.thread(), group.followers(), push);
            }
            hops.send();
            metrics.fannedOut(System.nanoTime() - started);
        }
    }

    @Override
    public void onCleared(long nextId) {
        List<Wake> wakeUps;
        Follower[] told;
        String cleared;
        synchronized (lock) {
            if (!synced) {
                return;
            }
            long firstKept = tail.start();
            tail.dropBefore(nextId);
            wakeUps = takeReady();
            // The same clear may be told more than once (its own and the relayed one): streams hear of it once.
            told = tail.start() > firstKept ? followers.all() : Followers.NONE;
            cleared = logId;
        }
        Hops hops = new Hops();
        wake(wakeUps, hops);
        hops.call(told, follower -> follower.onCleared(cleared, nextId));
        hops.send();
    }

    @Override
    public void onSynced(LogSlice newest) {
        List<Wake> wakeUps;
        Follower[] resyncing;
        synchronized (lock) {
            boolean newLog = logId != null && !logId.equals(newest.logId());
            if (!newest.logId().equals(logId)) {
                logId = newest.logId();
                empty = Batch.of(logId, List.of());
            }
            List<Message> kept = contiguousEnd(newest.messages(), newest.nextId());
            tail.reset(kept, newest.nextId());
            wholeLog = kept.size() == newest.messages().size();
            synced = true;
            // Waiters of a log that is gone hold ids that mean nothing now: answer them empty,
            // with the new log id, so they start again.
            wakeUps = newLog ? takeAll() : takeReady();
            // What a live stream would have been pushed since it was last told may be in the new tail
            // only, and a new log starts it again from 0: every stream pulls afresh.
            resyncing = followers.demoteAll();
        }
        Hops hops = new Hops();
        wake(wakeUps, hops);
        hops.call(resyncing, Follower::onResync);
        hops.send();
    }

    /**
     * The newest messages that follow on without gap up to {@code nextId}, at most a tail's worth.
     * A healthy log is exactly that; anything else (a damaged store) is read from the log on demand.
     */
    private List<Message> contiguousEnd(List<Message> messages, long nextId) {
        int first = messages.size();
        long expected = nextId - 1;
        while (first > 0 && messages.size() - first < tail.capacity() && messages.get(first - 1).id() == expected) {
            first--;
            expected--;
        }
        return messages.subList(first, messages.size());
    }

    /** Under the lock, after {@code parkedAt} changed. */
    private void countParked() {
        int now = parkedAt.size();
        parkedEverywhere.addAndGet(now - parkedCount);
        parkedCount = now;
    }

    private void park(long from, Waiter waiter) {
        parkedById.computeIfAbsent(from, id -> new LinkedHashSet<>()).add(waiter);
        parkedAt.put(waiter, from);
        countParked();
    }

    /**
     * Waiters unparked together, all asking from {@code from}: answered with {@code answer}, or
     * (null) from the log, outside the lock.
     */
    private record Wake(long from, Unencoded answer, Collection<Waiter> waiters) {
    }

    /** Unparks every waiter the tail can now answer; returns the answers, to give outside the lock. */
    private List<Wake> takeReady() {
        SortedMap<Long, Set<Waiter>> ready = parkedById.headMap(tail.end());
        if (ready.isEmpty()) {
            return List.of();
        }
        List<Wake> wakeUps = new ArrayList<>(ready.size());
        for (Map.Entry<Long, Set<Waiter>> bucket : ready.entrySet()) {
            long from = bucket.getKey();
            Set<Waiter> waiters = bucket.getValue();
            waiters.forEach(parkedAt::remove);
            // More may have arrived at once than the tail holds (a long outage, a small tail): the log has the rest.
            wakeUps.add(new Wake(from, isInMemory(from) ? batch(from) : null, waiters));
        }
        ready.clear();
        countParked();
        return wakeUps;
    }

    private List<Wake> takeAll() {
        if (parkedAt.isEmpty()) {
            return List.of();
        }
        List<Waiter> waiters = new ArrayList<>(parkedAt.keySet());
        parkedAt.clear();
        parkedById.clear();
        countParked();
        return List.of(new Wake(tail.end(), new Unencoded(logId, List.of()), waiters));
    }

    /** Answers the waiters unparked: each answer encoded once, and handed to each waiter's thread in {@code hops}. */
    private void wake(List<Wake> wakeUps, Hops hops) {
        for (Wake wake : wakeUps) {
            if (wake.answer() == null) {
                wake.waiters().forEach(waiter -> readLog(wake.from(), waiter, true));
            } else {
                Batch shared = wake.answer().encode();
                for (Waiter waiter : wake.waiters()) {
                    hops.deliver(waiter, shared);
                }
            }
        }
    }

    /**
     * The answer for {@code from}, to be encoded outside the lock: under it, only the message
     * references are copied, so a laggard's thousand-message answer never holds up the others.
     */
    private Unencoded batch(long from) {
        return new Unencoded(logId, tail.from(from, batchLimit));
    }

    /** An answer's messages, taken under the lock, and the log they belong to. */
    private record Unencoded(String logId, List<Message> messages) {
        Batch encode() {
            return Batch.of(logId, messages);
        }
    }

    private void readLog(long from, Waiter waiter, boolean park) {
        blocking.execute(() -> {
            LogSlice slice;
            try {
                slice = log.since(from, batchLimit);
            } catch (LogUnavailableException e) {
                waiter.fail(e.getMessage());
                return;
            }
            if (!park || !slice.messages().isEmpty() || !slice.logId().equals(logId())) {
                waiter.deliver(Batch.of(slice.logId(), slice.messages()));
            } else {
                // The log held nothing from the asked id on, and its next id was nextId: the waiter
                // wants exactly the messages from nextId on.
                await(slice.nextId(), waiter, false);
            }
        });
    }
}
