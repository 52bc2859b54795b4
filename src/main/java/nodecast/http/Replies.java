package nodecast.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.Map;
import nodecast.fanout.Batch;
import nodecast.log.Json;

/** How nodecast writes its responses: message batches, JSON bodies and errors with a reason. */
public final class Replies {
    static final String JSON = "application/json; charset=utf-8";
    /** Names the log that the ids in a response belong to; see {@link Batch}. */
    public static final HttpString LOG_HEADER = new HttpString("X-Nodecast-Log");

    private Replies() {
    }

    static void batch(HttpServerExchange exchange, Batch batch) {
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, JSON)
                .put(Headers.CACHE_CONTROL, "no-store");
        if (batch.logId() != null) {
            exchange.getResponseHeaders().put(LOG_HEADER, batch.logId());
        }
        exchange.getResponseSender().send(batch.body());
    }

    /** 409: the client's ids belong to a log that is gone; it must start again from id 0 of {@code currentLog}. */
    static void logGone(HttpServerExchange exchange, String currentLog) {
        json(exchange, 409, Map.of(
                "error", "the log you were following is gone (emptied store or restarted server); start again from id 0",
                "log", currentLog));
    }

    public static void json(HttpServerExchange exchange, int status, Object body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, JSON)
                .put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(Json.write(body));
    }

    /** An error with its reason: as JSON for clients that accept it, else as plain text. */
    public static void error(HttpServerExchange exchange, int status, String reason) {
        if (wantsJson(exchange)) {
            json(exchange, status, Map.of("error", reason));
        } else {
            exchange.setStatusCode(status);
            exchange.getResponseHeaders()
                    .put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .put(Headers.CACHE_CONTROL, "no-store");
            exchange.getResponseSender().send(reason + "\n");
        }
    }

    public static void html(HttpServerExchange exchange, int status, String page) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, "text/html; charset=utf-8")
                .put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(page);
    }

    /** A client that accepts JSON, or that sent JSON itself (a program publishing), is answered in JSON. */
    public static boolean wantsJson(HttpServerExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        return accept != null && accept.contains("application/json") || sentJson(exchange);
    }

    /** Whether the request's body is declared JSON: the media type application/json, with parameters or none. */
    public static boolean sentJson(HttpServerExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        return type != null && type.split(";", 2)[0].strip().equalsIgnoreCase("application/json");
    }

    public static boolean wantsHtml(HttpServerExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        return accept != null && accept.contains("text/html");
    }
}
