package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.xnio.channels.StreamSinkChannel;

/**
 * The bytes waiting to go to one stream's client, Server-Sent Events or WebSocket alike, written
 * straight to the connection without blocking. A frame offered while nothing waits is written at
 * once and only what the socket did not take is queued: the usual frame of a reader that keeps
 * up is never stored, so the long-lived queue is not touched (storing each new frame into it
 * cost the garbage collector's refinement threads 2 to 3 µs per delivery). What waits is views
 * of shared encodings, counted against the bound until written, and goes when the channel's
 * write listener says it is writable again.
 */
final class Outbound implements StreamSink {
    private final StreamSinkChannel channel;
    private final long maxBytes;
    /** The frames the socket has not taken whole, oldest first. */
    private final ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
    /** The bytes of the frames waiting that the socket has not taken. */
    private long bytes;
    /** Whether some of the oldest waiting frame is written already: then the rest must follow before anything else. */
    private boolean headBegun;
    private boolean awaitingWritable;
    /** A failed write of a frame offered, reported by the next {@link #flush} (a write while queuing has no one to tell). */
    private IOException failure;

    Outbound(StreamSinkChannel channel, long maxBytes) {
        this.channel = channel;
        this.maxBytes = maxBytes;
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
        if (bytes == 0 && failure == null) {
            try {
                int written = channel.write(frame);
                if (!frame.hasRemaining()) {
                    return;
                }
                headBegun = written > 0;
            } catch (IOException e) {
                failure = e;
            }
        }
        waiting.add(frame);
        bytes += frame.remaining();
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /** Writes what the socket takes now; true when nothing is left, else the write listener is armed. */
    @Override
    public boolean flush() throws IOException {
        if (failure != null) {
            throw failure;
        }
        for (ByteBuffer head = waiting.peek(); head != null; head = waiting.peek()) {
            int written = channel.write(head);
            bytes -= written;
            if (head.hasRemaining()) {
                headBegun |= written > 0;
                return awaitWritable();
            }
            waiting.poll();
            headBegun = false;
        }
        if (!channel.flush()) {
            return awaitWritable();
        }
        if (awaitingWritable) {
            channel.suspendWrites();
            awaitingWritable = false;
        }
        return true;
    }

    /**
     * Drops every frame not begun: the stream ended. The rest of one partly written stays, so a
     * transport that says goodbye in band (a WebSocket's close frame) does so between frames.
     */
    @Override
    public void clear() {
        ByteBuffer begun = headBegun ? waiting.peek() : null;
        waiting.clear();
        bytes = 0;
        if (begun != null) {
            waiting.add(begun);
            bytes = begun.remaining();
        }
    }

    private boolean awaitWritable() {
        if (!awaitingWritable) {
            channel.resumeWrites();
            awaitingWritable = true;
        }
        return false;
    }
}
