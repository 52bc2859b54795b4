package nodecast;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Map;

/** {@code POST /clear-messages}: empties the log. Ids carry on, so viewers holding one lose nothing new. */
final class ClearHandler implements HttpHandler {
    private final MessageLog log;
    private final FormPage form;

    ClearHandler(MessageLog log, FormPage form) {
        this.log = log;
        this.form = form;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        PublishRequest.read(exchange, form, fields -> clear(exchange));
    }

    private void clear(HttpServerExchange exchange) {
        try {
            log.clear();
        } catch (LogUnavailableException e) {
            PublishRequest.reject(exchange, form, 503, "log not cleared: " + e.getMessage());
            return;
        }
        if (Replies.wantsJson(exchange)) {
            Replies.json(exchange, 200, Map.of("cleared", true));
        } else {
            Replies.html(exchange, 200, form.withNotice("All messages cleared."));
        }
    }
}
