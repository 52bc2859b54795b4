package nodecast.stream;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;

/**
 * One WebSocket's outgoing text frames, handed to Undertow's framed channel (which writes without
 * blocking) and counted until Undertow says each is written: those are the bytes waiting, which
 * the bound applies to. When the last is written the stream is told, in a task of its own, never
 * from inside a send.
 */
final class WebSocketSink implements StreamSink {
    private final WebSocketChannel channel;
    private final long maxBytes;
    private final Runnable drained;
    private final Runnable failed;
    private long bytes;

    /** {@code drained}: everything sent is written; {@code failed}: a write failed (the peer is gone). */
    WebSocketSink(WebSocketChannel channel, long maxBytes, Runnable drained, Runnable failed) {
        this.channel = channel;
        this.maxBytes = maxBytes;
        this.drained = drained;
        this.failed = failed;
    }

    @Override
    public boolean offer(ByteBuffer frame) {
        if (bytes > 0 && bytes + frame.remaining() > maxBytes) {
            return false;
        }
        add(frame);
        return true;
    }

    @Override
    public void add(ByteBuffer frame) {
        int size = frame.remaining();
        bytes += size;
        WebSockets.sendText(frame, channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel written, Void context) {
                bytes -= size;
                if (bytes == 0) {
                    channel.getIoThread().execute(drained);
                }
            }

            @Override
            public void onError(WebSocketChannel written, Void context, Throwable throwable) {
                channel.getIoThread().execute(failed);
            }
        });
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public boolean flush() {
        return bytes == 0;
    }

    /** What Undertow still holds goes when the channel closes. */
    @Override
    public void clear() {
        bytes = 0;
    }
}
