package nodecast.stream;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;

/**
 * One WebSocket's outgoing text frames. They wait in a queue of its own, as views of shared
 * encodings, and go to Undertow one at a time, the next when Undertow says the last is written:
 * every frame handed to Undertow costs a frame channel, a header buffer and listeners (about
 * 450 bytes) and its framed channel's queue is unbounded, so a stalled reader holding a thousand
 * frames there would cost far more heap than its bound, and slow down every send. The bound
 * applies to the bytes queued or being written. When the last is written the stream is told, in
 * a task of its own, never from inside a send.
 */
final class WebSocketSink extends QueuedSink {
    private final WebSocketChannel channel;
    private final Runnable drained;
    private final Runnable failed;
    /** Whether a frame is with Undertow now. */
    private boolean sending;
    /** Whether {@link #pump} is running: a send Undertow completes at once must not start another pump inside it. */
    private boolean pumping;

    /** {@code drained}: everything queued is written; {@code failed}: a write failed (the peer is gone). */
    WebSocketSink(WebSocketChannel channel, long maxBytes, Runnable drained, Runnable failed) {
        super(maxBytes);
        this.channel = channel;
        this.drained = drained;
        this.failed = failed;
    }

    @Override
    public boolean flush() {
        pump();
        return bytes() == 0;
    }

    /** Hands Undertow the next frames, one at a time; a loop, so frames written at once do not nest sends. */
    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            while (!sending && head() != null) {
                send(take());
            }
        } finally {
            pumping = false;
        }
    }

    private void send(ByteBuffer frame) {
        int size = frame.remaining();
        sending = true;
        WebSockets.sendText(frame, channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel socket, Void context) {
                sending = false;
                written(size);
                pump();
                if (bytes() == 0) {
                    channel.getIoThread().execute(drained);
                }
            }

            @Override
            public void onError(WebSocketChannel socket, Void context, Throwable throwable) {
                channel.getIoThread().execute(failed);
            }
        });
    }
}
