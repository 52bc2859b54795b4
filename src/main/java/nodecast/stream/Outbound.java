package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.xnio.channels.StreamSinkChannel;

/**
 * The bytes waiting to go to one stream's client, written without blocking: what the socket
 * takes now, the rest when the sink's write listener says it is writable again. Bounded:
 * {@link #offer} refuses a frame that would take the bytes waiting past {@code maxBytes}; a frame
 * into an empty queue always fits, so a message larger than the bound still reaches a client
 * that keeps up. Used on the connection's IO thread only.
 */
final class Outbound {
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

    /** Queues {@code frame}, or returns false (queuing nothing) if that would pass the bound. */
    boolean offer(ByteBuffer frame) {
        if (!frames.isEmpty() && bytes + frame.remaining() > maxBytes) {
            return false;
        }
        add(frame);
        return true;
    }

    /** Queues {@code frame} whatever the bound: for what the stream asks for itself only while there is room. */
    void add(ByteBuffer frame) {
        frames.add(frame);
        bytes += frame.remaining();
    }

    long bytes() {
        return bytes;
    }

    /** Writes what the socket takes now; true when nothing is left, else the write listener is armed. */
    boolean flush() throws IOException {
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

    /** Drops every frame: the stream ended. */
    void clear() {
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
