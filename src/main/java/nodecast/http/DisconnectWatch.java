package nodecast.http;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import java.io.IOException;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Notices at once that the client of a request held open (a parked wait, a stream) went away.
 * Undertow stops reading a connection while its request is handled, so it would not notice the
 * client leaving until a write fails; reading the socket ourselves shows the EOF at once. Only a
 * request whose body is read to the end is watched (else the socket still holds body bytes), and
 * not once the client has pipelined its next request: those bytes go back to Undertow.
 * Started and stopped on the connection's IO thread.
 */
public final class DisconnectWatch {
    private ConduitStreamSourceChannel watchedSocket;

    private DisconnectWatch() {
    }

    /** Runs {@code onDisconnect} (on the IO thread) when the client closes its end. */
    public static DisconnectWatch start(HttpServerExchange exchange, Runnable onDisconnect) {
        DisconnectWatch watch = new DisconnectWatch();
        if (exchange.getConnection() instanceof HttpServerConnection connection
                && exchange.isRequestComplete() && connection.getExtraBytes() == null) {
            watch.watch(connection, onDisconnect);
        }
        return watch;
    }

    private void watch(HttpServerConnection connection, Runnable onDisconnect) {
        watchedSocket = connection.getChannel().getSourceChannel();
        watchedSocket.getReadSetter().set(socket -> {
            PooledByteBuffer pooled = connection.getByteBufferPool().allocate();
            int read;
            try {
                read = socket.read(pooled.getBuffer());
            } catch (IOException e) {
                read = -1;
            }
            if (read == 0) {
                pooled.close();
                return;
            }
            stop();
            if (read > 0) {
                pooled.getBuffer().flip();
                connection.ungetRequestBytes(pooled);
            } else {
                pooled.close();
                onDisconnect.run();
            }
        });
        watchedSocket.resumeReads();
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
