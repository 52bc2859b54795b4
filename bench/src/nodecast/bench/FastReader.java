package nodecast.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * A stream of channel default read as fast as it comes, on a thread of its own, its message ids
 * counted: the reader that no stalled one may cost a message.
 */
final class FastReader implements AutoCloseable {
    private final StreamTransport transport;
    private final Socket socket;
    private final StreamIds ids;
    private final IdTally tally = new IdTally();
    private final Thread thread;
    /** Why the stream ended before the reader closed it; null while it runs. */
    private volatile String ended;
    private volatile boolean closing;

    private FastReader(StreamTransport transport, Socket socket, StreamIds ids) {
        this.transport = transport;
        this.socket = socket;
        this.ids = ids;
        this.thread = new Thread(this::read, "fast-" + transport.label);
        thread.setDaemon(true);
        thread.start();
    }

    /** Opens the stream from id 0 on a server at 127.0.0.1:{@code port} and starts reading; throws unless the server opened it. */
    static FastReader open(StreamTransport transport, int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        try {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(transport.requestBytes(port));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            HttpHead head = HttpHead.read(in);
            if (!head.statusIs(transport.status)) {
                throw new IOException(transport.label + " stream answered " + head.statusLine());
            }
            return new FastReader(transport, socket, transport.ids(head, in, out));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void read() {
        try {
            for (long id = ids.next(); id >= 0; id = ids.next()) {
                tally.record(id);
            }
            ended = "the server ended the stream";
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                ended = e.toString();
            }
        } finally {
            tally.end();
        }
    }

    StreamTransport transport() {
        return transport;
    }

    /** Bytes of the stream read so far, as the server counts them against its bound. */
    long bytes() {
        return ids.bytes();
    }

    /** Waits up to {@code timeout} for message {@code id} (or a later one); false if it did not come (the stream ended, or it is late). */
    boolean awaitId(long id, Duration timeout) {
        try {
            return tally.awaitId(id, System.nanoTime() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** What it got of the messages {@code first} to {@code last}. */
    IdTally.Count count(long first, long last) {
        return tally.count(first, last);
    }

    /** Why the stream ended before it was closed, or null. */
    String ended() {
        return ended;
    }

    @Override
    public void close() throws IOException {
        closing = true;
        socket.close();
    }
}
