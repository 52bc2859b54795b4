package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Channels;
import nodecast.metrics.Metrics;

/** {@code GET /wait?id=N} (or {@code ?last=K}): every message from there on, at once if there is any, else parked until one arrives or the timeout. */
public final class WaitHandler implements HttpHandler {
    private final Channels channels;
    private final ViewerLimit limit;
    private final Metrics metrics;
    private final WaitTimer timer;
    private final Duration timeout;

    public WaitHandler(Channels channels, ViewerLimit limit, Metrics metrics, WaitTimer timer, Duration timeout) {
        this.channels = channels;
        this.limit = limit;
        this.metrics = metrics;
        this.timer = timer;
        this.timeout = timeout;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Broadcaster broadcaster = Channel.broadcasterOrRefuse(exchange, channels);
        MessageQuery query = broadcaster == null ? null : MessageQuery.readOrRefuse(exchange, broadcaster.logId(), metrics);
        if (query != null && !limit.refuses(exchange)) {
            ParkedRequest.park(exchange, broadcaster, query, metrics, timer, timeout);
        }
    }
}
