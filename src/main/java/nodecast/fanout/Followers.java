package nodecast.fanout;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams following one channel, kept by its {@link Broadcaster} under the broadcaster's
 * lock: all of them (told of clears, resyncs and the end) and the live ones among them (pushed
 * every new message), grouped by the thread each is served on. It keeps the count that every
 * channel's followers share up to date.
 */
final class Followers {
    static final Follower[] NONE = new Follower[0];
    static final Group[] NO_GROUPS = new Group[0];

    /** The live followers served on one thread, as an array no one changes once handed out. */
    record Group(Executor thread, Follower[] followers) {
    }

    private final Set<Follower> all = new HashSet<>();
    private final Map<Executor, Set<Follower>> live = new LinkedHashMap<>();
    /**
     * The live followers as last handed out, or null once they changed: a channel whose viewers
     * come and go seldom pushes every message without copying thousands of references first.
     */
    private Group[] liveGroups = NO_GROUPS;
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
        if (live.computeIfAbsent(follower.thread(), thread -> new LinkedHashSet<>()).add(follower)) {
            liveGroups = null;
        }
    }

    void remove(Follower follower) {
        if (all.remove(follower)) {
            Set<Follower> ofThread = live.get(follower.thread());
            if (ofThread != null && ofThread.remove(follower)) {
                liveGroups = null;
            }
            counted();
        }
    }

    Group[] live() {
        if (liveGroups == null) {
            live.values().removeIf(Set::isEmpty);
            liveGroups = live.entrySet().stream()
                    .map(ofThread -> new Group(ofThread.getKey(), ofThread.getValue().toArray(NONE)))
                    .toArray(Group[]::new);
        }
        return liveGroups;
    }

    Follower[] all() {
        return all.isEmpty() ? NONE : all.toArray(NONE);
    }

    /** Every follower, none of them live any more: each must pull again. */
    Follower[] demoteAll() {
        clearLive();
        return all();
    }

    Follower[] removeAll() {
        Follower[] gone = all();
        all.clear();
        clearLive();
        counted();
        return gone;
    }

    int count() {
        return count;
    }

    private void clearLive() {
        live.clear();
        liveGroups = NO_GROUPS;
    }

    private void counted() {
        int now = all.size();
        everywhere.addAndGet(now - count);
        count = now;
    }
}
