package nodecast.stream;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Channels;
import nodecast.http.Channel;
import nodecast.http.MessageQuery;
import nodecast.http.ViewerLimit;
import nodecast.http.ViewerTransport;
import nodecast.metrics.Metrics;

/**
 * {@code GET /events}: the channel as Server-Sent Events, from {@code ?id=N}, {@code ?last=K} or
 * the {@code Last-Event-ID} header on; see {@link EventStream}.
 */
public final class EventsHandler implements HttpHandler {
    private final Channels channels;
    private final ViewerLimit limit;
    private final Metrics metrics;
    private final Duration keepalive;
    private final long maxQueuedBytes;

    public EventsHandler(Channels channels, ViewerLimit limit, Metrics metrics, Duration keepalive, long maxQueuedBytes) {
        this.channels = channels;
        this.limit = limit;
        this.metrics = metrics;
        this.keepalive = keepalive;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Broadcaster broadcaster = Channel.broadcasterOrRefuse(exchange, channels);
        MessageQuery query = broadcaster == null ? null : StreamQuery.readOrRefuse(exchange);
        if (query == null) {
            return;
        }
        ViewerLimit.Busy busy = limit.admit(ViewerTransport.SSE);
        if (busy != null) {
            EventStream.busy(exchange, busy.retrySeconds());
        } else {
            EventStream.open(exchange, broadcaster, query, metrics, keepalive, maxQueuedBytes);
        }
    }
}
