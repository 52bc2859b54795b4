package nodecast.fanout;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams following one channel, kept by its {@link Broadcaster} under the broadcaster's
 * lock: all of them (told of clears, resyncs and the end) and the live ones among them (pushed
 * every new message). It keeps the count that every channel's followers share up to date.
 */
final class Followers {
    static final Follower[] NONE = new Follower[0];

    private final Set<Follower> all = new HashSet<>();
    private final Set<Follower> live = new LinkedHashSet<>();
    private final AtomicInteger everywhere;
    /** {@code all.size()}, readable without the lock. */
    private volatile int count;

    Followers(AtomicInteger everywhere) {
        this.everywhere = everywhere;
    }

    void add(Follower follower) {
        if (all.add(follower)) {
            counted();
        }
    }

    void makeLive(Follower follower) {
        live.add(follower);
    }

    void remove(Follower follower) {
        if (all.remove(follower)) {
            live.remove(follower);
            counted();
        }
    }

    Follower[] live() {
        return live.isEmpty() ? NONE : live.toArray(NONE);
    }

    Follower[] all() {
        return all.isEmpty() ? NONE : all.toArray(NONE);
    }

    /** Every follower, none of them live any more: each must pull again. */
    Follower[] demoteAll() {
        live.clear();
        return all();
    }

    Follower[] removeAll() {
        Follower[] gone = all();
        all.clear();
        live.clear();
        counted();
        return gone;
    }

    int count() {
        return count;
    }

    private void counted() {
        int now = all.size();
        everywhere.addAndGet(now - count);
        count = now;
    }
}
