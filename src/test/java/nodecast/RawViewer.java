package nodecast;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import nodecast.log.Message;

/** A stream read from a plain socket, whichever the transport: what tests of slow, stalled and hostile readers ask of it. */
interface RawViewer extends AutoCloseable {
    /** The next message, past every other event (a WebSocket's pings answered, as a browser does); null once the stream has ended. */
    Message nextMessage() throws IOException;

    /** How the server ended the stream, once {@link #nextMessage} found its end: a WebSocket's close code, else -1. */
    int endCode();

    /** Reads no faster than {@code bytesPerSecond} from now on; 0: as fast as bytes come. */
    void pace(long bytesPerSecond);

    @Override
    void close() throws IOException;

    /** A socket to {@code server} that offers a window of about {@code receiveBuffer} bytes (0: the kernel's own), reads failing after {@code patience}. */
    static Socket connect(TestServer server, int receiveBuffer, Duration patience) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window it offers stays small
        }
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        socket.setSoTimeout((int) patience.toMillis());
        return socket;
    }
}
