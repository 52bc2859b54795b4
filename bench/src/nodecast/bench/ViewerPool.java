package nodecast.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Thousands of viewers on one selector thread, each following the broadcast as the page does: it
 * asks for the next message, in its server's {@link PollProtocol}, and asks again once answered.
 * Every message body carries {@code "id":N}, which is how deliveries, gaps and repeats are counted
 * whichever the server. Minimal HTTP: one request in flight per connection, responses with
 * Content-Length. Every method runs on the one thread that calls {@link #poll}.
 */
final class ViewerPool {
    /** Connects in flight at once, so the server's accept backlog (somaxconn) is not flooded. */
    private static final int MAX_CONNECTING = 200;
    private static final byte[] ID_KEY = "\"id\":".getBytes(StandardCharsets.US_ASCII);
    /** Room for the longest request: a browser's headers and Nchan's two resume headers. */
    private static final int MAX_REQUEST_BYTES = 2048;

    private final Selector selector;
    private final List<InetAddress> sources;
    private final byte[] readBytes = new byte[64 * 1024];
    /** Direct, so reads go straight from the kernel into it, with no hidden temporary buffer. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(readBytes.length);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(MAX_REQUEST_BYTES);
    private final byte[] requestBytes = new byte[MAX_REQUEST_BYTES];
    private final Set<ViewerConnection> viewers = new HashSet<>();
    private final Set<SelectionKey> connecting = new HashSet<>();
    private final Arrivals arrivals = new Arrivals();
    private int nextSource;

    private InetSocketAddress server;
    private PollProtocol openProtocol;
    private long openFromId;
    private ChannelSpread openSpread;
    /** Which viewer of the spread the next one opened is: it decides the channel that viewer follows. */
    private int nextViewer;
    private int toOpen;
    private int openFailures;

    private boolean timing;
    private long awaitedId = -1;
    private int reachedAwaited;

    private long delivered;
    private long duplicated;
    private long skipped;
    private long errors;
    private long emptyAnswers;
    private long responses;

    ViewerPool(List<InetAddress> sources) throws IOException {
        this.selector = Selector.open();
        this.sources = sources;
    }

    /**
     * Starts opening {@code count} more viewers polling with {@code protocol}, each counting from
     * {@code fromId}; they are viewers {@code firstViewer} on of {@code spread}.
     */
    void open(InetSocketAddress server, PollProtocol protocol, int count, long fromId, ChannelSpread spread, int firstViewer) {
        this.server = server;
        this.openProtocol = protocol;
        this.openFromId = fromId;
        this.openSpread = spread;
        this.nextViewer = firstViewer;
        this.toOpen = count;
        this.openFailures = 0;
    }

    boolean isOpening() {
        return toOpen > 0 || !connecting.isEmpty();
    }

    /** Gives up on connects still in flight; they count as failed. */
    void abandonOpening() {
        openFailures += toOpen + connecting.size();
        toOpen = 0;
        for (SelectionKey key : connecting) {
            closeQuietly(key);
        }
        connecting.clear();
    }

    int openFailures() {
        return openFailures;
    }

    int size() {
        return viewers.size();
    }

    void setTiming(boolean on) {
        timing = on;
    }

    /** From now on, counts the viewers that have received message {@code id}. */
    void await(long id) {
        awaitedId = id;
        reachedAwaited = 0;
        for (ViewerConnection viewer : viewers) {
            if (viewer.nextId > id) {
                reachedAwaited++;
            }
        }
    }

    int reachedAwaited() {
        return reachedAwaited;
    }

    /** Arrival times and counters since the last report, then starts afresh. */
    String report() {
        StringBuilder out = new StringBuilder();
        arrivals.writeTo(out);
        out.append("counts ").append(delivered).append(' ').append(duplicated).append(' ').append(skipped)
                .append(' ').append(errors).append(' ').append(emptyAnswers).append(' ').append(responses)
                .append(' ').append(viewers.size()).append('\n');
        arrivals.clear();
        delivered = duplicated = skipped = errors = emptyAnswers = responses = 0;
        return out.toString();
    }

    void closeAll() throws IOException {
        abandonOpening();
        for (ViewerConnection viewer : viewers) {
            viewer.socket.close();
        }
        viewers.clear();
        awaitedId = -1;
        selector.selectNow(); // lets the selector forget the cancelled keys
    }

    /** Waits at most {@code timeoutMillis} for socket events and handles them; starts pending connects. */
    void poll(long timeoutMillis) throws IOException {
        while (toOpen > 0 && connecting.size() < MAX_CONNECTING) {
            toOpen--;
            startConnect();
        }
        selector.select(timeoutMillis);
        // Every response handled in this round was in its socket by now: timing arrivals from here
        // keeps the time this thread spends on the other sockets of the round out of the figures.
        long selectedAt = System.nanoTime();
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            if (!key.isValid()) {
                continue;
            }
            ViewerConnection viewer = (ViewerConnection) key.attachment();
            if (key.isConnectable()) {
                finishConnect(key, viewer);
            } else {
                if (key.isWritable()) {
                    writeUnsent(key, viewer);
                }
                if (key.isValid() && key.isReadable()) {
                    read(key, viewer, selectedAt);
                }
            }
        }
    }

    private void startConnect() {
        SocketChannel socket = null;
        try {
            socket = SocketChannel.open();
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // Spreading source addresses keeps each one's ephemeral ports far from exhaustion.
            socket.bind(new InetSocketAddress(sources.get(nextSource++ % sources.size()), 0));
            ViewerConnection viewer = new ViewerConnection(socket, openProtocol, openSpread.follows(nextViewer++), openFromId);
            if (socket.connect(server)) {
                connected(socket.register(selector, SelectionKey.OP_READ, viewer), viewer);
            } else {
                connecting.add(socket.register(selector, SelectionKey.OP_CONNECT, viewer));
            }
        } catch (IOException e) {
            openFailures++;
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already failed; the count says so
                }
            }
        }
    }

    private void finishConnect(SelectionKey key, ViewerConnection viewer) {
        connecting.remove(key);
        try {
            viewer.socket.finishConnect();
            key.interestOps(SelectionKey.OP_READ);
            connected(key, viewer);
        } catch (IOException e) {
            openFailures++;
            closeQuietly(key);
        }
    }

    private void connected(SelectionKey key, ViewerConnection viewer) {
        viewers.add(viewer);
        sendPoll(key, viewer);
    }

    /**
     * One read per readiness: a response is small and comes alone (one request is in flight), so
     * it nearly always arrives whole; if not, the selector reports the socket again for the rest.
     */
    private void read(SelectionKey key, ViewerConnection viewer, long selectedAt) {
        int count;
        readBuffer.clear();
        try {
            count = viewer.socket.read(readBuffer);
        } catch (IOException e) {
            count = -1;
        }
        if (count == 0) {
            return;
        }
        if (count < 0) {
            drop(key, viewer);
            return;
        }
        readBuffer.flip();
        readBuffer.get(readBytes, 0, count);
        boolean complete;
        try {
            complete = viewer.take(readBytes, count);
        } catch (RuntimeException e) {
            drop(key, viewer);
            return;
        }
        if (complete) {
            answered(key, viewer, selectedAt);
        }
    }

    private void answered(SelectionKey key, ViewerConnection viewer, long now) {
        responses++;
        if (!viewer.protocol.answersPoll(viewer.status) || viewer.extraBytes != 0) {
            drop(key, viewer);
            return;
        }
        byte[] bytes = viewer.responseBytes;
        int found = 0;
        for (int at = ViewerConnection.indexOf(bytes, ID_KEY, viewer.bodyStart, viewer.bodyEnd); at >= 0;
                at = ViewerConnection.indexOf(bytes, ID_KEY, at + ID_KEY.length, viewer.bodyEnd)) {
            found++;
            long id = 0;
            for (int i = at + ID_KEY.length; i < viewer.bodyEnd && bytes[i] >= '0' && bytes[i] <= '9'; i++) {
                id = id * 10 + (bytes[i] - '0');
            }
            if (id < viewer.nextId) {
                duplicated++;
                continue;
            }
            skipped += id - viewer.nextId;
            delivered++;
            if (timing) {
                arrivals.record(viewer.channel, id, now);
            }
            if (viewer.nextId <= awaitedId && id + 1 > awaitedId) {
                reachedAwaited++;
            }
            viewer.nextId = id + 1;
        }
        if (found == 0) {
            emptyAnswers++; // the wait timed out: ask again from the same place
        }
        viewer.protocol.answered(viewer);
        sendPoll(key, viewer);
    }

    private void sendPoll(SelectionKey key, ViewerConnection viewer) {
        int length = viewer.protocol.writeNext(viewer, requestBytes);
        writeBuffer.clear();
        writeBuffer.put(requestBytes, 0, length).flip();
        try {
            viewer.socket.write(writeBuffer);
        } catch (IOException e) {
            drop(key, viewer);
            return;
        }
        if (writeBuffer.hasRemaining()) {
            viewer.unsent = ByteBuffer.allocate(writeBuffer.remaining()).put(writeBuffer).flip();
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    private void writeUnsent(SelectionKey key, ViewerConnection viewer) {
        try {
            viewer.socket.write(viewer.unsent);
        } catch (IOException e) {
            drop(key, viewer);
            return;
        }
        if (!viewer.unsent.hasRemaining()) {
            viewer.unsent = null;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void drop(SelectionKey key, ViewerConnection viewer) {
        errors++;
        if (viewers.remove(viewer) && awaitedId >= 0 && viewer.nextId > awaitedId) {
            reachedAwaited--;
        }
        closeQuietly(key);
    }

    private static void closeQuietly(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // closing after a failure: nothing more to learn
        }
    }

    static List<InetAddress> addresses(String commaSeparated) throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String name : commaSeparated.split(",")) {
            addresses.add(InetAddress.getByName(name));
        }
        return addresses;
    }
}
