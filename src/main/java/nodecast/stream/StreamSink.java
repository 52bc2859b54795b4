package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where one stream's frames go, bounded and never blocking: {@link #offer} refuses a frame that
 * would take what the sink holds past the stream's bound; a frame into an empty sink always fits,
 * so a message larger than the bound still reaches a client that keeps up. Used on the
 * connection's IO thread only.
 */
interface StreamSink {
    /** Queues {@code frame}, or returns false (queuing nothing) if that would pass the bound. */
    boolean offer(ByteBuffer frame);

    /** Queues {@code frame} whatever the bound: for the few small frames a stream sends of its own (hello, gap, reset). */
    void add(ByteBuffer frame);

    /** What waits to be written, counted against the bound: its bytes and what each frame costs besides. 0: nothing waits. */
    long held();

    /** Every byte the connection has taken so far: it grows while the client reads. */
    long written();

    /** Writes what the connection takes now; true when nothing is left, else the stream is told when it drains. */
    boolean flush() throws IOException;

    /** Drops every frame not begun: the stream ended (the rest of one partly written may stay, to end the framing cleanly). */
    void clear();

    /** The connection is closed: drops everything, and holds nothing from now on. */
    void discard();
}
