package nodecast.stream;

import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import nodecast.fanout.Broadcaster;
import nodecast.http.MessageQuery;
import nodecast.metrics.Metrics;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * One WebSocket stream ({@link ChannelStream} says what it sends), over Undertow's own WebSocket
 * support: a text frame per message or control, a ping every keepalive period, and the socket
 * closed when the peer has answered no ping for two periods. Clients need send nothing; a frame
 * over 4 KB closes the socket with 1009 (Undertow does that, given the limit). Ending the stream
 * closes the socket with a code that says why: 1008 for a client too slow to keep up, 1001 on
 * shutdown.
 */
final class WebSocketStream extends ChannelStream {
    /** Client frames are not needed; anything larger than this is refused. */
    static final int MAX_CLIENT_FRAME = 4 * 1024;
    /** How long a closing handshake may take before the connection is dropped regardless. */
    private static final long CLOSE_GRACE_MILLIS = 5_000;

    private final WebSocketChannel channel;
    private final long keepaliveNanos;
    // Touched on the IO thread only.
    private long lastHeard = System.nanoTime();
    private XnioExecutor.Key keepalive;

    private WebSocketStream(WebSocketChannel channel, Broadcaster broadcaster, MessageQuery query, Metrics metrics, Duration keepaliveEvery,
            long maxQueuedBytes) {
        super(channel.getIoThread(), broadcaster, query, WebSocketFrames.WEB_SOCKET, metrics, maxQueuedBytes);
        this.channel = channel;
        this.keepaliveNanos = keepaliveEvery.toNanos();
    }

    /** Streams {@code broadcaster}'s channel on a socket just upgraded; called on its IO thread. */
    static void open(WebSocketChannel channel, Broadcaster broadcaster, MessageQuery query, Metrics metrics, Duration keepaliveEvery,
            long maxQueuedBytes) {
        WebSocketStream stream = new WebSocketStream(channel, broadcaster, query, metrics, keepaliveEvery, maxQueuedBytes);
        channel.getReceiveSetter().set(stream.new Receiver());
        channel.addCloseTask(closed -> stream.onIoThread(() -> stream.end("client")));
        channel.resumeReceives();
        stream.keepalive = stream.ioThread.executeAtInterval(stream::ping, keepaliveEvery.toMillis(), TimeUnit.MILLISECONDS);
        stream.begin(new WebSocketSink(channel, maxQueuedBytes, stream::writable, () -> stream.end("client")));
    }

    /** Pings the peer, or gives up on it if it answered nothing for two periods. */
    private void ping() {
        if (System.nanoTime() - lastHeard > 2 * keepaliveNanos) {
            end("client");
        } else {
            WebSockets.sendPing(ByteBuffer.allocate(0), channel, null);
        }
    }

    @Override
    protected void close(String reason) {
        keepalive.remove();
        switch (reason) {
            case "slow" -> closeWith(CloseMessage.MSG_VIOLATES_POLICY, "reading too slowly; reconnect with your last id");
            case "shutdown" -> closeWith(CloseMessage.GOING_AWAY, "server shutting down; reconnect");
            default -> IoUtils.safeClose(channel);
        }
    }

    /** Sends a close frame with {@code code}, then drops the connection once it is written, or after a grace period if it never is. */
    private void closeWith(int code, String text) {
        WebSockets.sendClose(code, text, channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel closing, Void context) {
                IoUtils.safeClose(closing);
            }

            @Override
            public void onError(WebSocketChannel closing, Void context, Throwable throwable) {
                IoUtils.safeClose(closing);
            }
        });
        ioThread.executeAfter(() -> IoUtils.safeClose(channel), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** What the peer sends: pongs (and anything else) prove it is there; frames over the limit close it with 1009. */
    private final class Receiver extends AbstractReceiveListener {
        @Override
        protected long getMaxTextBufferSize() {
            return MAX_CLIENT_FRAME;
        }

        @Override
        protected long getMaxBinaryBufferSize() {
            return MAX_CLIENT_FRAME;
        }

        @Override
        protected void onFullTextMessage(WebSocketChannel from, BufferedTextMessage message) {
            lastHeard = System.nanoTime();
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel from, BufferedBinaryMessage message) {
            lastHeard = System.nanoTime();
            message.getData().free();
        }

        @Override
        protected void onFullPongMessage(WebSocketChannel from, BufferedBinaryMessage message) {
            lastHeard = System.nanoTime();
            message.getData().free();
        }
    }
}
