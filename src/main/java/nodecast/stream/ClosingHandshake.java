package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;

/**
 * How nodecast ends a WebSocket with a code that says why (RFC 6455, 7.1.1): the close frame
 * goes after the rest of any frame begun, then the server's side of the connection is shut down
 * (a FIN, so the client closes its own at once rather than wait for ours), and the connection is
 * closed when the client has closed its side; whatever happens, at the latest after a grace
 * period, so a client that reads nothing more holds nothing for long.
 *
 * <pre>
 *   start --close frame written--&gt; FIN sent --client's EOF (the stream's reader)--&gt; closed
 *     any --write failed | grace over | the connection closed otherwise--&gt; closed (the grace timer cancelled)
 * </pre>
 *
 * Called on the connection's IO thread only.
 */
final class ClosingHandshake {
    /** How long a closing handshake may take before the connection is dropped regardless. */
    private static final long GRACE_MILLIS = 5_000;

    private final StreamConnection connection;
    private final Outbound outbound;
    private XnioExecutor.Key grace;
    private boolean finSent;

    ClosingHandshake(StreamConnection connection, Outbound outbound) {
        this.connection = connection;
        this.outbound = outbound;
    }

    /** Sends {@code closeFrame} (once everything begun is written) and lets the connection go. */
    void start(ByteBuffer closeFrame) {
        connection.getSinkChannel().getWriteSetter().set(ready -> proceed());
        outbound.add(closeFrame);
        proceed();
        if (connection.isOpen()) {
            try {
                grace = connection.getIoThread().executeAfter(() -> IoUtils.safeClose(connection), GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The worker is stopping (the server shuts down): it closes every connection itself.
            }
        }
    }

    /** The connection closed, however: the grace timer has nothing left to do. */
    void closed() {
        if (grace != null) {
            grace.remove();
        }
    }

    private void proceed() {
        try {
            // Once the close frame is out, a second flush carries the FIN (the write listener finishes either).
            if (outbound.flush() && !finSent) {
                connection.getSinkChannel().shutdownWrites();
                finSent = true;
                outbound.flush();
            }
        } catch (IOException e) {
            IoUtils.safeClose(connection);
        }
    }
}
