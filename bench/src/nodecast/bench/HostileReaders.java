package nodecast.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Readers that attack the streams, all of one {@link Attack}, from one thread of the bench: the
 * sockets are opened as {@link StalledReaders} opens its own (a small window, a real network's
 * MSS), then {@link #attack} makes each do what its attack does until the server holds what it
 * will for it.
 */
final class HostileReaders implements AutoCloseable {
    /** What a reader stalling mid-catch-up reads before it stops. */
    static final int READ_BEFORE_STALLING = 64 * 1024;
    /** Empty pings, masked as a client's must be: 6 bytes each, a thousand per write. */
    private static final byte[] PINGS = pings(1_000);

    private final Attack attack;
    private final StalledReaders opened;
    private final List<SocketChannel> sockets;
    /** Per socket, the pings it is being sent: a write that takes part of them is finished before the next, or a frame would break. */
    private final List<ByteBuffer> flooding = new ArrayList<>();

    private HostileReaders(Attack attack, StalledReaders opened) {
        this.attack = attack;
        this.opened = opened;
        this.sockets = opened.sockets();
    }

    /** Opens {@code count} readers of {@code attack} on a server at 127.0.0.1:{@code port}; {@code maxSegment} 0: loopback's MSS. */
    static HostileReaders open(Attack attack, int port, int count, int maxSegment) throws IOException {
        return new HostileReaders(attack, StalledReaders.open(port, count, maxSegment, reader -> request(attack, reader, port)));
    }

    private static byte[] request(Attack attack, int reader, int port) {
        return switch (attack) {
            case PONG_FLOOD -> StreamTransport.WEB_SOCKET.requestBytes(port);
            case STALLED_CATCH_UP -> StalledReaders.transportOf(reader).requestBytes(port, "?id=0");
            case BYTE_AFTER_REQUEST -> (StreamTransport.SSE.request(port, "") + "G").getBytes(StandardCharsets.US_ASCII);
        };
    }

    int size() {
        return sockets.size();
    }

    /**
     * Does what the attack does, until {@code inPlace} says the server holds what it will for the
     * readers, or {@code seconds} pass: floods pings without blocking (a socket whose buffers are
     * full is passed over until they are not), or reads {@link #READ_BEFORE_STALLING} of each
     * stream; a byte after the request was sent with it.
     */
    void attack(Condition inPlace, int seconds) throws IOException {
        if (attack == Attack.STALLED_CATCH_UP) {
            for (SocketChannel socket : sockets) {
                ByteBuffer bytes = ByteBuffer.allocate(READ_BEFORE_STALLING);
                while (bytes.hasRemaining() && socket.read(bytes) >= 0) {
                    // blocking reads, until 64 KiB came
                }
            }
        }
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        if (attack == Attack.PONG_FLOOD) {
            for (SocketChannel socket : sockets) {
                socket.configureBlocking(false);
            }
        }
        while (!inPlace.holds() && System.nanoTime() < deadline) {
            if (attack == Attack.PONG_FLOOD) {
                flood();
            } else {
                Bench.pause(250);
            }
        }
    }

    /** A round of pings to every socket that takes them now. */
    private void flood() {
        while (flooding.size() < sockets.size()) {
            flooding.add(ByteBuffer.wrap(PINGS));
        }
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < sockets.size(); i++) {
                ByteBuffer pings = flooding.get(i);
                try {
                    sockets.get(i).write(pings);
                } catch (IOException e) {
                    continue; // let go by the server: nothing more to send it
                }
                if (!pings.hasRemaining()) {
                    pings.rewind();
                }
            }
        }
    }

    private static byte[] pings(int count) {
        byte[] ping = {(byte) 0x89, (byte) 0x80, 0x12, 0x34, 0x56, 0x78};
        byte[] all = new byte[ping.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(ping, 0, all, i * ping.length, ping.length);
        }
        return all;
    }

    /** Whether the server holds, for the readers, what it will. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws IOException;
    }

    @Override
    public void close() {
        opened.close();
    }
}
