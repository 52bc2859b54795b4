package nodecast.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.concurrent.ThreadLocalRandom;
import nodecast.fanout.Channels;
import nodecast.metrics.Metrics;

/**
 * {@code --max-waiters}: the most viewers one instance holds open at once, parked requests and
 * streams together. A bound, not a queue: a viewer turned away is told when to come back, and
 * each transport tells it in its own way, so that its clients come back by themselves (an
 * EventSource treats any answer but 200 as the end, for good).
 */
public final class ViewerLimit {
    /** A viewer turned away comes back after 1 to this many seconds, at random: thousands refused at once do not return at once. */
    private static final int MOST_RETRY_SECONDS = 5;

    private final Channels channels;
    private final int maxViewers;
    private final Metrics metrics;

    public ViewerLimit(Channels channels, int maxViewers, Metrics metrics) {
        this.channels = channels;
        this.maxViewers = maxViewers;
        this.metrics = metrics;
    }

    /**
     * Null when there is room for one more viewer on {@code transport}; else the answer's figure,
     * the viewer counted as turned away. Either way nothing is held for it here: a viewer takes its
     * place when it parks or its stream starts.
     */
    public Busy admit(ViewerTransport transport) {
        if (channels.viewerCount() < maxViewers) {
            return null;
        }
        metrics.turnedAway(transport.metricTag);
        return new Busy(ThreadLocalRandom.current().nextInt(1, MOST_RETRY_SECONDS + 1));
    }

    /** For long-poll: true after answering 503 with Retry-After, when there is no room. */
    boolean refuses(HttpServerExchange exchange) {
        Busy busy = admit(ViewerTransport.LONG_POLL);
        if (busy == null) {
            return false;
        }
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, busy.retrySeconds());
        Replies.error(exchange, 503, "too many viewers are waiting on this server; try again shortly");
        return true;
    }

    /** How long a viewer turned away should wait before it comes back, in whole seconds (Retry-After's unit). */
    public record Busy(int retrySeconds) {
    }
}
