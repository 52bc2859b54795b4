package nodecast.stream;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A {@link StreamSink} whose frames wait in a queue of its own, as views of shared encodings, and
 * count against the bound until written; a transport says how it writes them ({@link #flush}).
 */
abstract class QueuedSink implements StreamSink {
    private final long maxBytes;
    private final ArrayDeque<ByteBuffer> frames = new ArrayDeque<>();
    /** Bytes not written yet: of every frame queued, and of one taken to be written. */
    private long bytes;

    QueuedSink(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public final boolean offer(ByteBuffer frame) {
        if (bytes > 0 && bytes + frame.remaining() > maxBytes) {
            return false;
        }
        add(frame);
        return true;
    }

    @Override
    public final void add(ByteBuffer frame) {
        frames.add(frame);
        bytes += frame.remaining();
    }

    @Override
    public final long bytes() {
        return bytes;
    }

    /** Drops every frame: the stream ended. */
    @Override
    public final void clear() {
        frames.clear();
        bytes = 0;
    }

    /** The oldest frame still queued, left in the queue; null when none is. */
    final ByteBuffer head() {
        return frames.peek();
    }

    /** Takes the oldest frame out of the queue; its bytes still count until {@link #written}. */
    final ByteBuffer take() {
        return frames.poll();
    }

    /** {@code count} more bytes reached the connection. */
    final void written(long count) {
        bytes -= count;
    }
}
