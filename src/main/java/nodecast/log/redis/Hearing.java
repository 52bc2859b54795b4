package nodecast.log.redis;

/**
 * Whether one subscription hears Redis: the partitions it carries, and its heartbeat, published
 * through Redis on a channel only it subscribes to. Hearing the heartbeat proves the subscription
 * is on the server that takes this instance's writes to those partitions, which a PING on the
 * subscription's own connection would not (a demoted master keeps its subscribers). Run only by
 * {@link RedisSync}'s thread, with the times events arrived, not the times it took them up: a
 * busy sync thread is not a deaf subscription.
 *
 * <pre>
 *   DEAF --subscribed (its channels are read afresh)--&gt; HEARING
 *   HEARING --subscription lost, or no heartbeat heard for deafAfter (then forced to reconnect)--&gt; DEAF
 *   DEAF --still not subscribed after deafAfter: forced to reconnect again--&gt; DEAF
 * </pre>
 */
final class Hearing {
    /** What the sync must do for this subscription now. */
    enum Duty { NONE, BEAT, RECONNECT, DEAF_AND_RECONNECT }

    private final int id;
    private String beatChannel;
    private boolean hears;
    private long nextBeatAt;
    private long lastBeatHeard;
    /** When it last went deaf, or last forced a reconnect while deaf. */
    private long deafSince;

    Hearing(int id, long now) {
        this.id = id;
        this.deafSince = now;
    }

    int id() {
        return id;
    }

    String beatChannel() {
        return beatChannel;
    }

    boolean hears() {
        return hears;
    }

    /** Its heartbeat is heard on {@code beatChannel}, in the slot of a partition it carries. */
    void carry(String beatChannel) {
        this.beatChannel = beatChannel;
    }

    void subscribed(long at) {
        hears = true;
        lastBeatHeard = at;
        nextBeatAt = at;
    }

    void deaf(long now) {
        if (hears) {
            hears = false;
            deafSince = now;
        }
    }

    void heardBeat(long at) {
        lastBeatHeard = at;
    }

    Duty duty(long now, RedisSync.Timings timings) {
        long deafAfter = timings.deafAfter().toNanos();
        if (!hears) {
            if (now - deafSince > deafAfter) {
                deafSince = now;
                return Duty.RECONNECT;
            }
            return Duty.NONE;
        }
        if (now - lastBeatHeard > deafAfter) {
            return Duty.DEAF_AND_RECONNECT;
        }
        if (now - nextBeatAt >= 0) {
            nextBeatAt = now + timings.beatEvery().toNanos();
            return Duty.BEAT;
        }
        return Duty.NONE;
    }

    long dueAt(RedisSync.Timings timings) {
        long deafAfter = timings.deafAfter().toNanos();
        return hears ? Math.min(nextBeatAt, lastBeatHeard + deafAfter + 1) : deafSince + deafAfter + 1;
    }
}
