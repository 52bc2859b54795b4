package nodecast.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Readers that open a stream of channel default and then never read a byte: plain sockets,
 * alternately SSE and WebSocket, whose request is sent and whose answer is left to pile up. Before
 * they connect, their receive buffer is made small (the window they offer is set then) and, unless
 * told otherwise, their MSS a real network's ({@link TcpMaxSegment}), so the kernel takes little of
 * what the server sends, on either end, and the rest waits in nodecast's queues.
 */
final class StalledReaders implements AutoCloseable {
    /** Linux doubles it and keeps at least about 2 KB: each stalled socket's kernel holds some 8 KB. */
    static final int RECEIVE_BUFFER = 4 * 1024;

    private final List<SocketChannel> sockets = new ArrayList<>();

    private StalledReaders() {
    }

    /**
     * Opens {@code count} stalled readers on a server at 127.0.0.1:{@code port}, reader i on
     * {@link #transportOf}(i), each announcing an MSS of {@code maxSegment} bytes (0: loopback's own).
     */
    static StalledReaders open(int port, int count, int maxSegment) throws IOException {
        return open(port, count, maxSegment, reader -> transportOf(reader).requestBytes(port));
    }

    /** The same, each reader sending {@code request}(i), whatever it asks for. */
    static StalledReaders open(int port, int count, int maxSegment, IntFunction<byte[]> request) throws IOException {
        StalledReaders readers = new StalledReaders();
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel socket = SocketChannel.open();
                readers.sockets.add(socket);
                socket.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
                // What it sends waits in a small buffer too: a flood stops soon after it is stopped.
                socket.setOption(StandardSocketOptions.SO_SNDBUF, RECEIVE_BUFFER);
                if (maxSegment > 0) {
                    TcpMaxSegment.set(socket, maxSegment);
                }
                socket.connect(new InetSocketAddress("127.0.0.1", port));
                socket.write(ByteBuffer.wrap(request.apply(i)));
            }
        } catch (IOException | RuntimeException e) {
            readers.close();
            throw e;
        }
        return readers;
    }

    int size() {
        return sockets.size();
    }

    /** The readers' sockets, for a reader that does more than never read ({@link HostileReaders}). */
    List<SocketChannel> sockets() {
        return sockets;
    }

    static StreamTransport transportOf(int reader) {
        return reader % 2 == 0 ? StreamTransport.SSE : StreamTransport.WEB_SOCKET;
    }

    /** How many of {@code count} readers use {@code transport}. */
    static int count(int count, StreamTransport transport) {
        return transport == StreamTransport.SSE ? (count + 1) / 2 : count / 2;
    }

    /** Closes every socket; with its answer unread, the kernel resets the connection, so the server lets it go at once. */
    @Override
    public void close() {
        for (SocketChannel socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway; nothing else to do with it
            }
        }
        sockets.clear();
    }
}
