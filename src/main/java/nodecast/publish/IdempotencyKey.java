package nodecast.publish;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;

/**
 * The optional {@code Idempotency-Key} header of a publish: a publisher that sends a publish again
 * with the same key (say after a timeout) has it stored once. The key is 1 to 128 printable ASCII
 * characters, without spaces, given once; anything else is refused rather than guessed at.
 */
final class IdempotencyKey {
    static final HttpString HEADER = new HttpString("Idempotency-Key");
    /** On the answer to a publish whose key was used already: nothing was stored, the message is the one first stored under it. */
    static final HttpString REPLAYED = new HttpString("Idempotent-Replayed");
    private static final int MAX_LENGTH = 128;

    private IdempotencyKey() {
    }

    /** The key, or null if none was given; throws with a reason fit for a 400. */
    static String of(HttpServerExchange exchange) {
        HeaderValues values = exchange.getRequestHeaders().get(HEADER);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("the Idempotency-Key header is given more than once");
        }
        String key = values.getFirst();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("the Idempotency-Key header is empty");
        }
        if (key.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the Idempotency-Key is " + key.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        if (!key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new IllegalArgumentException("the Idempotency-Key may hold only printable ASCII characters, without spaces");
        }
        return key;
    }
}
