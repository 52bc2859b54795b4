package nodecast.http;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.ImmediatePooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Reads the socket of a request held open (a parked wait, a stream), which Undertow does not read
 * while its request is handled, to see what the client does meanwhile:
 * <ul>
 * <li>a read fails (the connection was reset): the client is gone, told at once;
 * <li>the input ends: the client may only have half-closed (as {@code nc -N} does after its
 * request) and still read, so it is not gone: it is told, and the watch stops. One gone for good
 * shows when a write to it fails;
 * <li>bytes: for a wait, its next request (pipelined), handed back to Undertow when the wait is
 * answered, and the watch stops; for a stream, nothing it will ever answer (the connection
 * closes with the stream), so they are dropped as they come.
 * </ul>
 * Bytes are never kept in one of Undertow's pooled buffers (16 KB each, direct) for as long as
 * the request is held: a byte sent after a stream's request would pin one for the stream's life.
 * Those Undertow read with the request are moved to a heap buffer of their size (a wait's) or
 * dropped (a stream's). Started and stopped on the connection's IO thread.
 */
public final class DisconnectWatch {
    /** Bytes read at once: a few, since they are copied out anyway. */
    private static final int READ_SIZE = 512;
    /** Reads per event at most, so a client that floods a stream with bytes cannot hold the IO thread; the listener is called again. */
    private static final int READS_PER_EVENT = 16;

    /** What the client of a held request did. */
    public interface Client {
        /** The connection failed: nothing more can reach the client. */
        void gone();

        /** The client's input ended: it sends nothing more, but may still read. */
        void closedItsSide();
    }

    private final HttpServerConnection connection;
    private final Client client;
    /** Whether bytes the client sends are its next request (a wait's), kept for Undertow, or dropped (a stream's). */
    private final boolean keepsNextRequest;
    private ConduitStreamSourceChannel watchedSocket;

    private DisconnectWatch(HttpServerConnection connection, Client client, boolean keepsNextRequest) {
        this.connection = connection;
        this.client = client;
        this.keepsNextRequest = keepsNextRequest;
    }

    /** Watches a parked wait's client: a request it pipelines behind the wait is kept for Undertow. */
    public static DisconnectWatch forWait(HttpServerExchange exchange, Client client) {
        return start(exchange, client, true);
    }

    /** Watches a stream's client: what it sends after its request is dropped. */
    public static DisconnectWatch forStream(HttpServerExchange exchange, Client client) {
        return start(exchange, client, false);
    }

    private static DisconnectWatch start(HttpServerExchange exchange, Client client, boolean keepsNextRequest) {
        if (!(exchange.getConnection() instanceof HttpServerConnection connection) || !exchange.isRequestComplete()) {
            return new DisconnectWatch(null, client, keepsNextRequest); // a body still unread: the socket holds it, not watched
        }
        DisconnectWatch watch = new DisconnectWatch(connection, client, keepsNextRequest);
        PooledByteBuffer readAhead = connection.getExtraBytes();
        if (readAhead == null) {
            watch.watch();
        } else if (keepsNextRequest) {
            // The client pipelined its next request: Undertow serves it once the wait is answered; the socket is not watched.
            connection.setExtraBytes(new ImmediatePooledByteBuffer(copy(readAhead.getBuffer())));
            readAhead.close();
        } else {
            connection.setExtraBytes(null);
            readAhead.close();
            watch.watch();
        }
        return watch;
    }

    private void watch() {
        watchedSocket = connection.getChannel().getSourceChannel();
        watchedSocket.getReadSetter().set(this::read);
        watchedSocket.resumeReads();
    }

    private void read(StreamSourceChannel socket) {
        ByteBuffer bytes = ByteBuffer.allocate(READ_SIZE);
        for (int reads = 0; reads < READS_PER_EVENT; reads++) {
            int read;
            try {
                read = socket.read(bytes);
            } catch (IOException e) {
                stop();
                client.gone();
                return;
            }
            if (read == 0) {
                return;
            }
            if (read < 0) {
                stop();
                client.closedItsSide();
                return;
            }
            if (keepsNextRequest) {
                stop();
                connection.ungetRequestBytes(new ImmediatePooledByteBuffer(copy(bytes.flip())));
                return;
            }
            bytes.clear();
        }
    }

    private static ByteBuffer copy(ByteBuffer bytes) {
        return ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
    }

    /**
     * Hands the socket back. Reads stay resumed: Undertow resumes them for the next request as
     * soon as the answer is written, so suspending here would cost two needless epoll changes per
     * answer. Only if the socket turns readable before Undertow takes it back are reads suspended.
     */
    public void stop() {
        if (watchedSocket != null) {
            watchedSocket.getReadSetter().set(StreamSourceChannel::suspendReads);
            watchedSocket = null;
        }
    }
}
