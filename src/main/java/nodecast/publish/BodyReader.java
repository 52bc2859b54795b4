package nodecast.publish;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads a request's whole body, up to a size limit, without blocking: Undertow calls back on
 * the IO thread once the last byte is in, so no worker thread waits on a slow client.
 *
 * <p>A body over the limit is answered 413 and the connection closed. Closing a socket that still
 * holds unread request bytes makes the kernel reset the connection, and the reset can destroy the
 * 413 before the client reads it: so a body up to {@link #DRAINED} bytes is read and thrown away
 * first; a larger one is refused at once, as a client sending that much is not waiting for answers.
 */
public final class BodyReader {
    /** The largest refused body still read to its end, so that its client surely gets the 413. */
    static final long DRAINED = 1024 * 1024;

    private final long maxBytes;

    public BodyReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Hands {@code onBody} the body, or {@code onRefused} a 413 (too large) or a 400 (cut short). */
    void read(HttpServerExchange exchange, Consumer<byte[]> onBody, Consumer<Refusal> onRefused) {
        long declared = exchange.getRequestContentLength();
        if (declared > maxBytes && declared <= DRAINED) {
            exchange.setMaxEntitySize(declared);
            exchange.getRequestReceiver().receivePartialBytes((ex, ignored, last) -> {
                if (last) {
                    onRefused.accept(tooLarge());
                }
            }, (ex, error) -> onRefused.accept(refusal(error)));
            return;
        }
        exchange.setMaxEntitySize(maxBytes);
        exchange.getRequestReceiver().receiveFullBytes((ex, body) -> onBody.accept(body), (ex, error) -> onRefused.accept(refusal(error)));
    }

    private Refusal tooLarge() {
        return new Refusal(413, "the request body is larger than " + maxBytes + " bytes").closingConnection();
    }

    private Refusal refusal(IOException error) {
        if (error instanceof RequestTooBigException) {
            return tooLarge();
        }
        // The body ended before its Content-Length (the client may still be reading): never a 2xx for it.
        return new Refusal(400, "the request body ended before its Content-Length").closingConnection();
    }
}
