package nodecast.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import nodecast.fanout.Channels;

/** {@code --max-waiters}: the most viewers one instance holds open at once, parked requests and streams together. */
public final class ViewerLimit {
    private final Channels channels;
    private final int maxViewers;

    public ViewerLimit(Channels channels, int maxViewers) {
        this.channels = channels;
        this.maxViewers = maxViewers;
    }

    /** True after answering 503 itself: this instance holds as many viewers as it may. */
    public boolean refuses(HttpServerExchange exchange) {
        if (channels.viewerCount() < maxViewers) {
            return false;
        }
        // A bound, not a queue: the client's retry (the page backs off) finds room or another instance.
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        Replies.error(exchange, 503, "too many viewers are waiting on this server; try again shortly");
        return true;
    }
}
