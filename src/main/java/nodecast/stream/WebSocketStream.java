package nodecast.stream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import nodecast.fanout.Broadcaster;
import nodecast.http.MessageQuery;
import nodecast.metrics.Metrics;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;

/**
 * One WebSocket stream ({@link ChannelStream} says what it sends) on a connection nodecast speaks
 * RFC 6455 on itself: its {@link WebSocketFrames} written through a bounded {@link Outbound}, as
 * Server-Sent Events are, the client's frames read by {@link ClientFrames}, a ping every
 * keepalive period, and the socket let go when the client has been heard from in none of the
 * last two. Ending the stream closes the socket with a code that says why ({@link
 * ClosingHandshake}): 1008 for a client too slow to keep up, 1001 on shutdown, the client's own
 * code when it closed, 1002 or 1009 when it broke the protocol or sent too much; a client that
 * is simply gone has its connection closed.
 */
final class WebSocketStream extends ChannelStream implements ClientFrames.Peer {
    private final StreamConnection connection;
    private final Outbound outbound;
    private final ClosingHandshake closing;
    private final long keepaliveNanos;
    // Touched on the IO thread only.
    private long lastHeard = System.nanoTime();
    private XnioExecutor.Key keepalive;
    /** The close frame that answers the client's (its close, or the rule it broke); null while it has sent none. */
    private ByteBuffer answer;

    private WebSocketStream(StreamConnection connection, Broadcaster broadcaster, MessageQuery query, Metrics metrics,
            Duration keepaliveEvery, long maxQueuedBytes) {
        super(connection.getIoThread(), broadcaster, query, WebSocketFrames.WEB_SOCKET, metrics, maxQueuedBytes);
        this.connection = connection;
        this.outbound = new Outbound(connection.getSinkChannel(), maxQueuedBytes, metrics.streamQueues());
        this.closing = new ClosingHandshake(connection, outbound);
        this.keepaliveNanos = keepaliveEvery.toNanos();
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
        stream.keepalive = stream.ioThread.executeAtInterval(stream::ping, keepaliveEvery.toMillis(), TimeUnit.MILLISECONDS);
        stream.begin(stream.outbound);
    }

    /** Pings the client, or gives up on it if it was heard from in neither of the last two periods. */
    private void ping() {
        if (System.nanoTime() - lastHeard > 2 * keepaliveNanos) {
            end("client");
        } else {
            send(WebSocketFrames.ping());
        }
    }

    @Override
    public void heard() {
        lastHeard = System.nanoTime();
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
        end("client");
    }

    @Override
    public void broke(int code, String reason) {
        answer = WebSocketFrames.close(code, reason);
        end("client");
    }

    @Override
    public void gone() {
        // Whether the stream was running or saying goodbye, nothing more can reach the client.
        end("client");
        IoUtils.safeClose(connection);
    }

    private void closed() {
        connectionClosed();
        closing.closed();
    }

    @Override
    protected void close(String reason) {
        keepalive.remove();
        ByteBuffer closeFrame = switch (reason) {
            case "slow" -> WebSocketFrames.close(1008, "reading too slowly; reconnect with your last id");
            case "shutdown" -> WebSocketFrames.close(1001, "server shutting down; reconnect");
            default -> answer;
        };
        if (closeFrame == null) {
            IoUtils.safeClose(connection);
        } else {
            closing.start(closeFrame);
        }
    }
}
