package nodecast;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import nodecast.log.LogSlice;
import nodecast.log.Message;
import nodecast.log.MessageLog;

/**
 * A {@link MessageLog.Listener} that checks, as it is called, the story a log must tell: never two
 * calls at once, the first an onSynced, each message the one after the last, and never a synced
 * slice of the same log that ends before what it already has. It can also hold its next onSynced
 * until the test lets it go, to stretch the moment a resync is handed over.
 */
final class StoryListener implements MessageLog.Listener {
    private final List<String> violations = new ArrayList<>();
    private final AtomicInteger inside = new AtomicInteger();
    private final Set<Thread> callers = ConcurrentHashMap.newKeySet();
    private volatile String logId;
    private volatile long next = -1;
    private volatile boolean holdNext;
    private volatile boolean holdAny;
    private volatile CountDownLatch entered;
    private volatile CountDownLatch release;

    @Override
    public void onAppended(Message message) {
        enter();
        holdIfAsked(false);
        if (logId == null) {
            violation("message " + message.id() + " before any onSynced");
        } else if (message.id() != next) {
            violation("message " + message.id() + " handed while " + next + " was next");
        }
        next = message.id() + 1;
        leave();
    }

    @Override
    public void onCleared(long nextId) {
        enter();
        holdIfAsked(false);
        next = Math.max(next, nextId);
        leave();
    }

    @Override
    public void onSynced(LogSlice newest) {
        enter();
        holdIfAsked(true);
        if (newest.logId().equals(logId) && newest.nextId() < next) {
            violation("a slice of the same log ending at " + newest.nextId() + " after " + next);
        }
        logId = newest.logId();
        next = newest.nextId();
        leave();
    }

    /** Makes the next onSynced wait, inside the call, until {@link #letGo()}; returns a latch counted down once it waits. */
    CountDownLatch holdNextSync() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        holdNext = true;
        return entered;
    }

    /** The same for the next call of any kind: the thread that feeds this listener stalls until {@link #letGo()}. */
    CountDownLatch holdNextCall() {
        holdAny = true;
        return holdNextSync();
    }

    private void holdIfAsked(boolean synced) {
        if (holdNext && (synced || holdAny)) {
            holdNext = false;
            holdAny = false;
            entered.countDown();
            await(release);
        }
    }

    void letGo() {
        release.countDown();
    }

    private void await(CountDownLatch holding) {
        try {
            if (!holding.await(30, TimeUnit.SECONDS)) {
                violation("held for 30 s and never let go");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enter() {
        callers.add(Thread.currentThread());
        if (inside.incrementAndGet() != 1) {
            violation("two calls at once, one on " + Thread.currentThread().getName());
        }
    }

    private void leave() {
        inside.decrementAndGet();
    }

    private void violation(String what) {
        synchronized (violations) {
            violations.add(what);
        }
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    Set<Thread> callers() {
        return Set.copyOf(callers);
    }

    String logId() {
        return logId;
    }

    long next() {
        return next;
    }
}
