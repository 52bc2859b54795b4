package nodecast.stream;

import java.nio.ByteBuffer;
import java.time.Duration;
import nodecast.fanout.Broadcaster;
import nodecast.http.MessageQuery;
import nodecast.metrics.Metrics;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * One WebSocket stream ({@link ChannelStream} says what it sends) on a connection nodecast speaks
 * RFC 6455 on itself: its {@link WebSocketFrames} written through a bounded {@link Outbound}, as
 * Server-Sent Events are, the client's frames read by {@link ClientFrames}, a keepalive frame
 * and a ping every quiet keepalive period, and the socket let go when the client answered neither of the last two (a
 * client that takes the bytes queued for it is there, pinged or not). Ending the stream closes
 * the socket with a code that says why ({@link ClosingHandshake}, {@link StreamEnd}): 1008 for a
 * client too slow to keep up or that answered no ping, 1001 on shutdown, the client's own code
 * when it closed, 1002 or 1009 when it broke the protocol or sent too much; a client whose
 * connection is gone has it closed.
 */
final class WebSocketStream extends ChannelStream implements ClientFrames.Peer {
    private final StreamConnection connection;
    private final Outbound outbound;
    private final ClosingHandshake closing;
    // Touched on the IO thread only.
    /** Pings sent since the client was last heard from, or since its connection last took bytes besides the pings. */
    private int unansweredPings;
    /** The close frame that answers the client's (its close, or the rule it broke); null while it has sent none. */
    private ByteBuffer answer;

    private WebSocketStream(StreamConnection connection, Broadcaster broadcaster, MessageQuery query, Metrics metrics,
            Duration keepaliveEvery, long maxQueuedBytes) {
        super(connection.getIoThread(), broadcaster, query, WebSocketFrames.WEB_SOCKET, metrics, maxQueuedBytes, keepaliveEvery);
        this.connection = connection;
        this.outbound = new Outbound(connection.getSinkChannel(), maxQueuedBytes, metrics.streamQueues());
        this.closing = new ClosingHandshake(connection, outbound);
    }

    /** Streams {@code broadcaster}'s channel on a connection just upgraded; called on its IO thread. */
    static void open(StreamConnection connection, Broadcaster broadcaster, MessageQuery query, Metrics metrics, Duration keepaliveEvery,
            long maxQueuedBytes) {
        WebSocketStream stream = new WebSocketStream(connection, broadcaster, query, metrics, keepaliveEvery, maxQueuedBytes);
        // However the connection closes, the stream ends with it; Undertow's own listener (it frees what it read ahead) still runs.
        ChannelListener<? super StreamConnection> undertows = connection.getCloseListener();
        connection.setCloseListener(closed -> {
            ChannelListeners.invokeChannelListener(closed, undertows);
            stream.onIoThread(stream::closed);
        });
        connection.getSinkChannel().getWriteSetter().set(ready -> stream.writable());
        ClientFrames reader = new ClientFrames(stream);
        connection.getSourceChannel().getReadSetter().set(reader);
        connection.getSourceChannel().resumeReads();
        stream.begin(stream.outbound);
    }

    /** Pings the client (with a keepalive frame its page sees), or gives up on it if it answered neither of the last two pings. */
    @Override
    protected void keepalive() {
        if (unansweredPings >= 2) {
            end(StreamEnd.UNANSWERED);
        } else {
            unansweredPings++;
            super.keepalive();
        }
    }

    @Override
    protected void reading() {
        unansweredPings = 0;
    }

    @Override
    public void heard() {
        unansweredPings = 0;
    }

    @Override
    public void pinged(byte[] payload) {
        if (!ended()) {
            outbound.answerPing(WebSocketFrames.pong(payload));
            writable();
        }
    }

    @Override
    public void closing(int code) {
        answer = WebSocketFrames.close(code == 1005 ? 1000 : code, "");
        end(StreamEnd.CLIENT);
    }

    @Override
    public void broke(int code, String reason) {
        answer = WebSocketFrames.close(code, reason);
        end(StreamEnd.CLIENT);
    }

    @Override
    public void gone() {
        // Whether the stream was running or saying goodbye, nothing more can reach the client.
        end(StreamEnd.CLIENT);
        IoUtils.safeClose(connection);
    }

    private void closed() {
        connectionClosed();
        closing.closed();
    }

    @Override
    protected void close(StreamEnd reason) {
        ByteBuffer closeFrame = reason.closeCode == 0 ? answer : WebSocketFrames.close(reason.closeCode, reason.closeReason);
        if (closeFrame == null) {
            IoUtils.safeClose(connection);
        } else {
            closing.start(closeFrame);
        }
    }
}
