package nodecast.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The ids of a Server-Sent Events stream: each message's, from its data ({@code "id":N}); named
 * events (hello, keepalive, gap, …) and comments are passed over, and so is the {@code id:} field,
 * nodecast's cursor for a resuming EventSource.
 */
final class SseIds implements StreamIds {
    private final InputStream body;
    /** Written by the reading thread, read by the run. */
    private volatile long bytes;

    SseIds(InputStream body) {
        this.body = body;
    }

    @Override
    public long next() throws IOException {
        boolean named = false;
        while (true) {
            String line;
            try {
                line = HttpHead.line(body);
            } catch (EOFException e) {
                return -1;
            }
            // nodecast ends each line with a lone line feed.
            bytes += line.length() + 1;
            if (line.isEmpty()) {
                named = false;
            } else if (line.startsWith("event: ")) {
                named = true;
            } else if (!named && line.startsWith("data: ")) {
                byte[] data = line.getBytes(StandardCharsets.ISO_8859_1);
                long id = MessageIds.first(data, 0, data.length);
                if (id >= 0) {
                    return id;
                }
            }
        }
    }

    @Override
    public long bytes() {
        return bytes;
    }
}
