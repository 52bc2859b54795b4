package nodecast;

import java.io.IOException;
import java.io.InputStream;

/** The body of a chunked HTTP/1.1 answer, its framing undone as it arrives; it ends at the last chunk, or where the connection ends. */
final class ChunkedInput extends InputStream {
    private final InputStream in;
    private long chunkLeft;
    private boolean ended;

    ChunkedInput(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (chunkLeft == 0 && !ended) {
            String size = line();
            chunkLeft = size == null ? 0 : Long.parseLong(size.split(";", 2)[0].trim(), 16);
            ended = chunkLeft == 0;
        }
        if (ended) {
            return -1;
        }
        int read = in.read(bytes, offset, (int) Math.min(length, chunkLeft));
        if (read < 0) {
            ended = true; // cut by the server: the stream ended without its last chunk
            return -1;
        }
        chunkLeft -= read;
        if (chunkLeft == 0) {
            line(); // the CRLF after the chunk's data
        }
        return read;
    }

    /** The next line of the framing; null if the connection ends first. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            line.append((char) b);
        }
        return line.toString().strip();
    }
}
