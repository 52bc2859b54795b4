package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import nodecast.fanout.Broadcaster;
import nodecast.metrics.Metrics;

/** {@code GET /since?id=N}: every message from id N on, at once (possibly none). */
public final class SinceHandler implements HttpHandler {
    private final Broadcaster broadcaster;
    private final Metrics metrics;

    public SinceHandler(Broadcaster broadcaster, Metrics metrics) {
        this.broadcaster = broadcaster;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        MessageQuery query = MessageQuery.readOrRefuse(exchange, broadcaster.logId(), metrics);
        if (query != null) {
            SinceRequest.answer(exchange, broadcaster, query, metrics);
        }
    }
}
