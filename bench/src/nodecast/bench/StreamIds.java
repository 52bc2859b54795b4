package nodecast.bench;

import java.io.IOException;

/** The message ids of one stream, in the order they arrive; controls (hello, keepalives, pings) are taken and passed over. */
interface StreamIds {
    /** The next message's id; -1 once the server has ended the stream. */
    long next() throws IOException;

    /** Bytes of the stream read so far, counted as nodecast counts them against --max-queued-bytes. */
    long bytes();
}
