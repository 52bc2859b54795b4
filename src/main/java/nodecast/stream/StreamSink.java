package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where one stream's frames go, bounded and never blocking: {@link #offer} refuses a frame that
 * would take the bytes waiting past the stream's bound; a frame into an empty sink always fits,
 * so a message larger than the bound still reaches a client that keeps up. Used on the
 * connection's IO thread only.
 */
interface StreamSink {
    /** Queues {@code frame}, or returns false (queuing nothing) if that would pass the bound. */
    boolean offer(ByteBuffer frame);

    /** Queues {@code frame} whatever the bound: for what the stream asks for itself only while there is room. */
    void add(ByteBuffer frame);

    /** Bytes queued and not yet written. */
    long bytes();

    /** Writes what the connection takes now; true when nothing is left, else the stream is told when it drains. */
    boolean flush() throws IOException;

    /** Drops every frame not begun: the stream ended (the rest of one partly written may stay, to end the framing cleanly). */
    void clear();
}
