package nodecast;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} publishes a second from one client address, with bursts of as many:
 * a token bucket per address. The table of addresses is bounded, so a flood from many addresses
 * costs a fixed amount of memory; the longest-idle address is forgotten first.
 */
final class PublishRateLimit {
    private static final int MAX_ADDRESSES = 100_000;
    private static final long SECOND = 1_000_000_000L;

    private final int perSecond;
    private final LongSupplier nanoClock;
    private final Map<String, long[]> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    PublishRateLimit(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** Takes one publish from {@code address}'s allowance; returns 0 if allowed, else the seconds to wait. */
    synchronized long take(String address) {
        long now = nanoClock.getAsLong();
        // bucket[0]: tokens in millionths; bucket[1]: when it was last topped up
        long[] bucket = buckets.computeIfAbsent(address, a -> new long[] {perSecond * 1_000_000L, now});
        long refill = (now - bucket[1]) * perSecond * 1_000_000L / SECOND;
        if (refill > 0) {
            bucket[0] = Math.min(perSecond * 1_000_000L, bucket[0] + refill);
            bucket[1] = now;
        }
        if (bucket[0] >= 1_000_000L) {
            bucket[0] -= 1_000_000L;
            return 0;
        }
        long missingNanos = (1_000_000L - bucket[0]) * SECOND / (perSecond * 1_000_000L);
        return Math.max(1, (missingNanos + SECOND - 1) / SECOND);
    }
}
