package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Channels;
import nodecast.metrics.Metrics;

/** {@code GET /since?id=N} (or {@code ?last=K}): every message from there on, at once (possibly none). */
public final class SinceHandler implements HttpHandler {
    private final Channels channels;
    private final Metrics metrics;

    public SinceHandler(Channels channels, Metrics metrics) {
        this.channels = channels;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Broadcaster broadcaster = Channel.broadcasterOrRefuse(exchange, channels);
        MessageQuery query = broadcaster == null ? null : MessageQuery.readOrRefuse(exchange, broadcaster.logId(), metrics);
        if (query != null) {
            SinceRequest.answer(exchange, broadcaster, query, metrics);
        }
    }
}
