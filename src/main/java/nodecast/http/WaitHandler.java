package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Channels;
import nodecast.metrics.Metrics;

/** {@code GET /wait?id=N} (or {@code ?last=K}): every message from there on, at once if there is any, else parked until one arrives or the timeout. */
public final class WaitHandler implements HttpHandler {
    private final Channels channels;
    private final Metrics metrics;
    private final WaitTimer timer;
    private final Duration timeout;
    private final int maxWaiters;

    public WaitHandler(Channels channels, Metrics metrics, WaitTimer timer, Duration timeout, int maxWaiters) {
        this.channels = channels;
        this.metrics = metrics;
        this.timer = timer;
        this.timeout = timeout;
        this.maxWaiters = maxWaiters;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Broadcaster broadcaster = Channel.broadcasterOrRefuse(exchange, channels);
        MessageQuery query = broadcaster == null ? null : MessageQuery.readOrRefuse(exchange, broadcaster.logId(), metrics);
        if (query == null) {
            return;
        }
        if (channels.parkedCount() >= maxWaiters) {
            // A bound, not a queue: the client's retry (the page backs off) finds room or another instance.
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            Replies.error(exchange, 503, "too many viewers are waiting on this server; try again shortly");
        } else {
            ParkedRequest.park(exchange, broadcaster, query, metrics, timer, timeout);
        }
    }
}
