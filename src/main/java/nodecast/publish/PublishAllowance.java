package nodecast.publish;

import io.undertow.util.Headers;

/**
 * Which tries count against an address's {@link PublishRateLimit}.
 *
 * <p>With open publishing, every publish and clear. With a publisher key, only the tries that
 * give a wrong key or none: a publisher with the right key is never slowed by its own pace (a
 * backend posting a hundred messages a second from one address is normal), while guessing the
 * key stays slow. An address whose allowance wrong tries have used up is refused before its key
 * is compared, whatever key it gives: were a right key let through there, every refused guess
 * would still say whether it was right. So from that address the right key, too, waits out the
 * {@code Retry-After} (at most a second); from every other address it is never refused.
 */
public final class PublishAllowance {
    private final PublishRateLimit rateLimit;
    private final boolean openPublishing;

    public PublishAllowance(PublishRateLimit rateLimit, boolean openPublishing) {
        this.rateLimit = rateLimit;
        this.openPublishing = openPublishing;
    }

    /** Before the key is compared: null if {@code address} may go on, else a 429. With open publishing, every try takes one here. */
    Refusal check(String address) {
        return tooMany(openPublishing ? rateLimit.take(address) : rateLimit.retryAfter(address));
    }

    /**
     * After a wrong key or none: takes one from the allowance. Null, or a 429 if another try from
     * the address took the last one since {@link #check}, which is as good an answer for a wrong key.
     */
    Refusal countWrongKey(String address) {
        return tooMany(rateLimit.take(address));
    }

    private Refusal tooMany(long retryAfter) {
        if (retryAfter == 0) {
            return null;
        }
        String tries = openPublishing ? "too many publishes" : "too many tries without the right publisher key";
        return new Refusal(429, tries + " from your address; try again in " + retryAfter + " s")
                .with(Headers.RETRY_AFTER, Long.toString(retryAfter));
    }
}
