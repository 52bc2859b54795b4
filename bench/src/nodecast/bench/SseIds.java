package nodecast.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** The ids of a Server-Sent Events stream: each message's {@code id: N} line; events and comments are passed over. */
final class SseIds implements StreamIds {
    private final InputStream body;
    /** Written by the reading thread, read by the run. */
    private volatile long bytes;

    SseIds(InputStream body) {
        this.body = body;
    }

    @Override
    public long next() throws IOException {
        while (true) {
            String line;
            try {
                line = HttpHead.line(body);
            } catch (EOFException e) {
                return -1;
            }
            // nodecast ends each line with a lone line feed.
            bytes += line.length() + 1;
            if (line.startsWith("id: ")) {
                return Long.parseLong(line.substring("id: ".length()));
            }
        }
    }

    @Override
    public long bytes() {
        return bytes;
    }
}
