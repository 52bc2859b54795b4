package nodecast;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request that changes the log passes through: the per-address rate limit, the body
 * size limit, a strict form parse and the publisher key. The body is read without blocking; only
 * an admitted request reaches a worker thread (the log may be Redis).
 */
final class PublishGate {
    private static final Logger LOG = LoggerFactory.getLogger(PublishGate.class);

    private final FormPage form;
    private final PublisherKey key;
    private final PublishRateLimit rateLimit;
    private final ClientAddress clientAddress;
    private final long maxBodyBytes;

    PublishGate(FormPage form, PublisherKey key, PublishRateLimit rateLimit, ClientAddress clientAddress, long maxBodyBytes) {
        this.form = form;
        this.key = key;
        this.rateLimit = rateLimit;
        this.clientAddress = clientAddress;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Calls {@code action} on a worker thread with the parsed form, or answers 4xx itself. */
    void admit(HttpServerExchange exchange, Consumer<FormBody> action) {
        long retryAfter = rateLimit.take(clientAddress.of(exchange));
        if (retryAfter > 0) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(retryAfter));
            reject(exchange, 429, "too many publishes from your address; try again in " + retryAfter + " s", null);
            return;
        }
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type != null && !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            reject(exchange, 415, "send the form as application/x-www-form-urlencoded", null);
            return;
        }
        // Undertow's chunked decoder forgives malformed chunks (it drops surplus bytes), which lets a
        // publish mean two things at once; forms come with a Content-Length from every browser and tool.
        if (exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)) {
            exchange.setPersistent(false); // its body is not read: the connection cannot carry another request
            reject(exchange, 411, "send the form with a Content-Length, not in chunks", null);
            return;
        }
        String length = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
        if (length != null && !length.matches("[0-9]{1,18}")) {
            exchange.setPersistent(false);
            reject(exchange, 400, "the Content-Length is not a number of bytes", null);
            return;
        }
        exchange.setMaxEntitySize(maxBodyBytes);
        exchange.getRequestReceiver().receiveFullBytes(
                (ex, body) -> {
                    FormBody fields;
                    try {
                        fields = FormBody.parse(body);
                    } catch (IllegalArgumentException e) {
                        reject(ex, 400, e.getMessage(), null);
                        return;
                    }
                    if (!key.admits(ex, fields)) {
                        ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
                        reject(ex, 401, "the publisher key is missing or wrong", null);
                        return;
                    }
                    ex.dispatch(() -> action.accept(fields));
                },
                (ex, error) -> failed(ex, error));
    }

    private void failed(HttpServerExchange exchange, IOException error) {
        exchange.setPersistent(false);
        if (error instanceof RequestTooBigException) {
            reject(exchange, 413, "the request body is larger than " + maxBodyBytes + " bytes", null);
        } else {
            // The body ended before its Content-Length (the client may still be reading): never a 2xx for it.
            reject(exchange, 400, "the request body ended before its Content-Length", null);
        }
    }

    /**
     * Answers an error in the form the client asked for: the form page for browsers (keeping the
     * key they gave, if any), else JSON or text. Each refusal is one log line; rate-limited ones
     * only at debug level, since a flood of them is exactly what the limit is for.
     */
    void reject(HttpServerExchange exchange, int status, String reason, FormBody fields) {
        if (status == 429) {
            LOG.debug("refused a publish from {}: {}", exchange.getSourceAddress(), reason);
        } else {
            LOG.info("refused a publish from {}: {} {}", exchange.getSourceAddress(), status, reason);
        }
        if (!Replies.wantsJson(exchange) && Replies.wantsHtml(exchange)) {
            Replies.html(exchange, status, form.render(FormPage.Notice.error(reason), keyToKeep(exchange, fields)));
        } else {
            Replies.error(exchange, status, reason);
        }
    }

    /** The key to fill into the next form: the one this post gave, if it was right. */
    String keyToKeep(HttpServerExchange exchange, FormBody fields) {
        return fields != null && !key.isOpen() && key.admits(exchange, fields) ? fields.get("key") : null;
    }

    boolean isOpen() {
        return key.isOpen();
    }
}
