package nodecast.log.redis;

/** Why a channel's read failed: the label of {@code nodecast_redis_channel_failures_total}, and how long it waits to try again. */
enum ChannelFailure {
    /** Redis could not be reached or refused (LOADING, TRYAGAIN, no replica, out of memory): it clears when Redis recovers. */
    UNAVAILABLE("unavailable", 2_000),
    /** Redis holds what nodecast never writes: it clears only when the data is mended or trimmed away, so it is tried seldom. */
    DAMAGED("damaged", 30_000);

    final String label;
    /** The longest pause between two reads; pauses start at 0.1 s and double. */
    final long maxPauseMillis;

    ChannelFailure(String label, long maxPauseMillis) {
        this.label = label;
        this.maxPauseMillis = maxPauseMillis;
    }

    static ChannelFailure of(RuntimeException failure) {
        return failure instanceof DamagedLogException ? DAMAGED : UNAVAILABLE;
    }
}
