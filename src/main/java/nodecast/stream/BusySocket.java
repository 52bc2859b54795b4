package nodecast.stream;

import nodecast.metrics.Metrics;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * A WebSocket turned away at {@code --max-waiters}. The upgrade goes through (a browser's page
 * learns nothing from a refused handshake), then the socket says {@code {"event":"busy","retry":N}}
 * and closes with 1013 (Try Again Later) through a {@link ClosingHandshake}: it holds no viewer's
 * place, and nothing once the closing handshake is over (at the latest after its grace period).
 * The client's frames are read only to see it leave. Called on the connection's IO thread.
 */
final class BusySocket implements ClientFrames.Peer {
    /** Room for the two frames it sends: a few dozen bytes each, plus what each costs besides. */
    private static final int BOUND = 1_024;

    private final StreamConnection connection;

    private BusySocket(StreamConnection connection) {
        this.connection = connection;
    }

    /** Tells the client on {@code connection}, just upgraded, to come back in {@code retrySeconds}, and closes. */
    static void open(StreamConnection connection, int retrySeconds, Metrics metrics) {
        Outbound outbound = new Outbound(connection.getSinkChannel(), BOUND, metrics.streamQueues());
        ClosingHandshake closing = new ClosingHandshake(connection, outbound);
        ChannelListener<? super StreamConnection> undertows = connection.getCloseListener();
        Runnable release = () -> {
            closing.closed();
            outbound.discard();
        };
        connection.setCloseListener(closed -> {
            ChannelListeners.invokeChannelListener(closed, undertows);
            if (Thread.currentThread() == connection.getIoThread()) {
                release.run();
            } else {
                connection.getIoThread().execute(release);
            }
        });
        connection.getSourceChannel().getReadSetter().set(new ClientFrames(new BusySocket(connection)));
        connection.getSourceChannel().resumeReads();
        outbound.add(WebSocketFrames.busy(retrySeconds));
        closing.start(WebSocketFrames.close(1013, "too many viewers here; try again in " + retrySeconds + " s"));
    }

    @Override
    public void heard() {
        // It is closing: nothing the client sends changes that.
    }

    @Override
    public void pinged(byte[] payload) {
        // Closing: a close frame is on its way, and no pong need follow it (RFC 6455, 5.5.1).
    }

    @Override
    public void closing(int code) {
        // The client answers the close: its end of the connection follows.
    }

    @Override
    public void broke(int code, String reason) {
        // Whatever it broke, the connection closes anyway.
    }

    @Override
    public void gone() {
        IoUtils.safeClose(connection);
    }
}
