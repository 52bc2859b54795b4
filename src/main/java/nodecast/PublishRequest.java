package nodecast;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads a publisher's form post without blocking, then hands it to a worker thread (the log
 * may be Redis). Shared by every endpoint that changes the log.
 */
final class PublishRequest {
    /** Far above any message this server accepts; bounds what a client can make it buffer. */
    static final long MAX_BODY_BYTES = 64 * 1024;

    private PublishRequest() {
    }

    /** Calls {@code action} on a worker thread with the parsed form, or answers 4xx itself. */
    static void read(HttpServerExchange exchange, FormPage form, Consumer<FormBody> action) {
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type != null && !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            reject(exchange, form, 415, "send the form as application/x-www-form-urlencoded");
            return;
        }
        exchange.setMaxEntitySize(MAX_BODY_BYTES);
        exchange.getRequestReceiver().receiveFullBytes(
                (ex, body) -> {
                    FormBody fields;
                    try {
                        fields = FormBody.parse(body);
                    } catch (IllegalArgumentException e) {
                        reject(ex, form, 400, e.getMessage());
                        return;
                    }
                    ex.dispatch(() -> action.accept(fields));
                },
                (ex, error) -> failed(ex, form, error));
    }

    private static void failed(HttpServerExchange exchange, FormPage form, IOException error) {
        if (error instanceof RequestTooBigException) {
            reject(exchange, form, 413, "the request body is larger than " + MAX_BODY_BYTES + " bytes");
        } else {
            exchange.endExchange(); // the client went away mid-body: nobody to answer
        }
    }

    /** Answers an error in the form the client asked for: the form page for browsers, else JSON or text. */
    static void reject(HttpServerExchange exchange, FormPage form, int status, String reason) {
        if (!Replies.wantsJson(exchange) && Replies.wantsHtml(exchange)) {
            Replies.html(exchange, status, form.withError(reason));
        } else {
            Replies.error(exchange, status, reason);
        }
    }
}
