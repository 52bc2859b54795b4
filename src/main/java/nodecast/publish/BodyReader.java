package nodecast.publish;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads a request's whole body, up to a size limit, without blocking: Undertow calls back on
 * the IO thread once the last byte is in, so no worker thread waits on a slow client.
 */
public final class BodyReader {
    private final long maxBytes;

    public BodyReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Hands {@code onBody} the body, or {@code onRefused} a 413 (too large) or a 400 (cut short). */
    void read(HttpServerExchange exchange, Consumer<byte[]> onBody, Consumer<Refusal> onRefused) {
        exchange.setMaxEntitySize(maxBytes);
        exchange.getRequestReceiver().receiveFullBytes((ex, body) -> onBody.accept(body), (ex, error) -> onRefused.accept(refusal(error)));
    }

    private Refusal refusal(IOException error) {
        if (error instanceof RequestTooBigException) {
            return new Refusal(413, "the request body is larger than " + maxBytes + " bytes").closingConnection();
        }
        // The body ended before its Content-Length (the client may still be reading): never a 2xx for it.
        return new Refusal(400, "the request body ended before its Content-Length").closingConnection();
    }
}
