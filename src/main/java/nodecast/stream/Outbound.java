package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.channels.StreamSinkChannel;

/**
 * The bytes waiting to go to one Server-Sent Events client, written straight to the response
 * channel without blocking: what the socket takes now, the rest when the channel's write listener
 * says it is writable again.
 */
final class Outbound extends QueuedSink {
    private final StreamSinkChannel sink;
    private boolean awaitingWritable;

    Outbound(StreamSinkChannel sink, long maxBytes) {
        super(maxBytes);
        this.sink = sink;
    }

    /** Writes what the socket takes now; true when nothing is left, else the write listener is armed. */
    @Override
    public boolean flush() throws IOException {
        for (ByteBuffer head = head(); head != null; head = head()) {
            written(sink.write(head));
            if (head.hasRemaining()) {
                return awaitWritable();
            }
            take();
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

    private boolean awaitWritable() {
        if (!awaitingWritable) {
            sink.resumeWrites();
            awaitingWritable = true;
        }
        return false;
    }
}
