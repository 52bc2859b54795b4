package nodecast.publish;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} tries a second from one client address, with bursts of as many: a
 * token bucket per address. The table of addresses is bounded, so a flood from many addresses
 * costs a fixed amount of memory; the longest-idle address is forgotten first, which hands it a
 * full bucket again, as it would have had after a second's rest anyway.
 */
public final class PublishRateLimit {
    private static final int MAX_ADDRESSES = 100_000;
    private static final long SECOND = 1_000_000_000L;
    /** Tokens are counted in millionths, so a bucket refills smoothly rather than a whole token at a time. */
    private static final long ONE = 1_000_000L;

    private final int perSecond;
    private final LongSupplier nanoClock;
    /** Per address: [0] its tokens in millionths, [1] when they were last topped up. */
    private final Map<String, long[]> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public PublishRateLimit(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** Takes one try from {@code address}'s allowance; returns 0 if allowed, else the seconds to wait. */
    synchronized long take(String address) {
        long[] bucket = buckets.computeIfAbsent(address, a -> new long[] {perSecond * ONE, nanoClock.getAsLong()});
        long wait = secondsToWait(bucket);
        if (wait == 0) {
            bucket[0] -= ONE;
        }
        return wait;
    }

    /** 0 if {@code address} has a try left, taking nothing; else the seconds until it has. */
    synchronized long retryAfter(String address) {
        long[] bucket = buckets.get(address);
        return bucket == null ? 0 : secondsToWait(bucket);
    }

    /** Tops {@code bucket} up for the time since it last was; 0 if it holds a whole token, else the seconds until it will. */
    private long secondsToWait(long[] bucket) {
        long now = nanoClock.getAsLong();
        // A second refills a whole burst, so a longer rest counts as one: the product below cannot overflow then.
        long elapsed = Math.min(now - bucket[1], SECOND);
        long refill = elapsed * perSecond / (SECOND / ONE);
        if (refill > 0) {
            bucket[0] = Math.min(perSecond * ONE, bucket[0] + refill);
            bucket[1] = now;
        }
        if (bucket[0] >= ONE) {
            return 0;
        }
        long missingNanos = (ONE - bucket[0]) * SECOND / (perSecond * ONE);
        return Math.max(1, (missingNanos + SECOND - 1) / SECOND);
    }
}
