package nodecast.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** A body sent with {@code Transfer-Encoding: chunked}, as the bytes it carries (RFC 9112, section 7.1); one byte at a time. */
final class ChunkedBody extends InputStream {
    private final InputStream in;
    /** Bytes left in the current chunk. */
    private long left;
    private boolean first = true;
    private boolean ended;

    ChunkedBody(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        if (left == 0 && !nextChunk()) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the connection inside a chunk");
        }
        left--;
        return b;
    }

    /** Reads the next chunk's size line (after the line break that ends the last chunk); false at the last, empty, chunk. */
    private boolean nextChunk() throws IOException {
        if (ended) {
            return false;
        }
        if (!first && !HttpHead.line(in).isEmpty()) {
            throw new IOException("a chunk longer than its size said");
        }
        first = false;
        String size = HttpHead.line(in);
        int extension = size.indexOf(';');
        left = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
        ended = left == 0;
        return !ended;
    }
}
