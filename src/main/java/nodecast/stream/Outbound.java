package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.xnio.channels.StreamSinkChannel;

/**
 * The bytes waiting to go to one Server-Sent Events client, written straight to the response
 * channel without blocking: what the socket takes now, the rest when the channel's write listener
 * says it is writable again.
 */
final class Outbound implements StreamSink {
    private final StreamSinkChannel sink;
    private final long maxBytes;
    private final ArrayDeque<ByteBuffer> frames = new ArrayDeque<>();
    /** Bytes not written yet, of every frame queued. */
    private long bytes;
    private boolean awaitingWritable;

    Outbound(StreamSinkChannel sink, long maxBytes) {
        this.sink = sink;
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean offer(ByteBuffer frame) {
        if (!frames.isEmpty() && bytes + frame.remaining() > maxBytes) {
            return false;
        }
        add(frame);
        return true;
    }

    @Override
    public void add(ByteBuffer frame) {
        frames.add(frame);
        bytes += frame.remaining();
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /** Writes what the socket takes now; true when nothing is left, else the write listener is armed. */
    @Override
    public boolean flush() throws IOException {
        for (ByteBuffer head = frames.peek(); head != null; head = frames.peek()) {
            int before = head.remaining();
            sink.write(head);
            bytes -= before - head.remaining();
            if (head.hasRemaining()) {
                return awaitWritable();
            }
            frames.poll();
        }
        if (!sink.flush()) {
            return awaitWritable();
        }
        if (awaitingWritable) {
            sink.suspendWrites();
            awaitingWritable = false;
        }
        return true;
    }

    @Override
    public void clear() {
        frames.clear();
        bytes = 0;
    }

    private boolean awaitWritable() {
        if (!awaitingWritable) {
            sink.resumeWrites();
            awaitingWritable = true;
        }
        return false;
    }
}
