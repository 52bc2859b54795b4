package nodecast.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Thousands of viewers on one selector thread, each following the broadcast as the page does: a
 * long-polling one asks for the next message, in its server's {@link PollProtocol}, and asks again
 * once answered; a streaming one ({@link StreamProtocol}) asks once and reads on. Every message
 * carries {@code "id":N} ({@link MessageIds}), which is how deliveries, gaps and repeats are counted
 * whichever the server and transport. Minimal HTTP: one request in flight per connection, responses
 * with Content-Length (but a stream's). Every method runs on the one thread that calls {@link #poll}.
 */
final class ViewerPool {
    /** Connects in flight at once, so the server's accept backlog (somaxconn) is not flooded. */
    private static final int MAX_CONNECTING = 200;
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
    private final StreamRead streamRead = new StreamRead();
    private int nextSource;

    private InetSocketAddress server;
    private ViewerProtocol openProtocol;
    private long openFromId;
    private ChannelSpread openSpread;
    /** Which viewer of the spread the next one opened is: it decides the channel that viewer follows. */
    private int nextViewer;
    private int toOpen;
    private int openFailures;
    /** Streaming viewers connected whose server has not accepted their stream yet: opening waits for them too. */
    private int streamsStarting;

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
     * Starts opening {@code count} more viewers following with {@code protocol}, each counting from
     * {@code fromId}; they are viewers {@code firstViewer} on of {@code spread}.
     */
    void open(InetSocketAddress server, ViewerProtocol protocol, int count, long fromId, ChannelSpread spread, int firstViewer) {
        this.server = server;
        this.openProtocol = protocol;
        this.openFromId = fromId;
        this.openSpread = spread;
        this.nextViewer = firstViewer;
        this.toOpen = count;
        this.openFailures = 0;
    }

    boolean isOpening() {
        return toOpen > 0 || !connecting.isEmpty() || streamsStarting > 0;
    }

    /** Gives up on connects still in flight, and on streams the server has not accepted; they count as failed. */
    void abandonOpening() {
        openFailures += toOpen + connecting.size();
        toOpen = 0;
        for (SelectionKey key : connecting) {
            closeQuietly(key);
        }
        connecting.clear();
        if (streamsStarting > 0) {
            for (SelectionKey key : List.copyOf(selector.keys())) {
                ViewerConnection viewer = (ViewerConnection) key.attachment();
                if (viewer.stream != null && !viewer.stream.started() && viewers.contains(viewer)) {
                    drop(key, viewer);
                }
            }
        }
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
        streamsStarting = 0;
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
        if (viewer.stream != null) {
            streamsStarting++;
        }
        sendNext(key, viewer);
    }

    /**
     * One read per readiness: a response is small and comes alone (one request is in flight), so
     * it nearly always arrives whole; if not, the selector reports the socket again for the rest.
     * A stream's bytes go to its reader, however the reads cut them.
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
        if (viewer.stream != null) {
            streamRead.aim(key, viewer, selectedAt);
            try {
                viewer.stream.take(readBytes, count, streamRead);
            } catch (RuntimeException e) {
                drop(key, viewer);
            }
            return;
        }
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

    /** A long poll's answer, whole: its messages, then the next request. */
    private void answered(SelectionKey key, ViewerConnection viewer, long now) {
        responses++;
        PollProtocol polls = (PollProtocol) viewer.protocol; // only a long-polling viewer has answers
        if (!polls.answersPoll(viewer.status) || viewer.extraBytes != 0) {
            drop(key, viewer);
            return;
        }
        byte[] bytes = viewer.responseBytes;
        int found = 0;
        for (int at = MessageIds.next(bytes, viewer.bodyStart, viewer.bodyEnd); at >= 0;
                at = MessageIds.next(bytes, at + 1, viewer.bodyEnd)) {
            found++;
            received(viewer, MessageIds.valueAt(bytes, at, viewer.bodyEnd), now);
        }
        if (found == 0) {
            emptyAnswers++; // the wait timed out: ask again from the same place
        }
        polls.answered(viewer);
        sendNext(key, viewer);
    }

    /** Message {@code id} reached {@code viewer} at {@code now}: counted once, or as a repeat; ids it skipped count as lost. */
    private void received(ViewerConnection viewer, long id, long now) {
        if (id < viewer.nextId) {
            duplicated++;
            return;
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

    private void sendNext(SelectionKey key, ViewerConnection viewer) {
        send(key, viewer, requestBytes, viewer.protocol.writeNext(viewer, requestBytes));
    }

    /** Writes what the socket takes at once; the rest, after anything still unsent, when it can take more. */
    private void send(SelectionKey key, ViewerConnection viewer, byte[] bytes, int length) {
        if (viewer.unsent != null) {
            viewer.unsent = ByteBuffer.allocate(viewer.unsent.remaining() + length).put(viewer.unsent).put(bytes, 0, length).flip();
            return;
        }
        writeBuffer.clear();
        writeBuffer.put(bytes, 0, length).flip();
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
        if (viewers.remove(viewer)) {
            if (awaitedId >= 0 && viewer.nextId > awaitedId) {
                reachedAwaited--;
            }
            if (viewer.stream != null && !viewer.stream.started()) {
                // refused, or never answered: the stream was not opened
                streamsStarting--;
                openFailures++;
            }
        }
        closeQuietly(key);
    }

    /** What a streaming viewer's reader finds, for the viewer being read now: one object, aimed anew at each read. */
    private final class StreamRead implements StreamEvents {
        private SelectionKey key;
        private ViewerConnection viewer;
        private long at;

        void aim(SelectionKey key, ViewerConnection viewer, long at) {
            this.key = key;
            this.viewer = viewer;
            this.at = at;
        }

        @Override
        public void started() {
            streamsStarting--;
        }

        /** Counted unless the viewer was dropped earlier in the same read. */
        @Override
        public void message(long id) {
            if (key.isValid()) {
                received(viewer, id, at);
            }
        }

        /** Written at once, in the order read. */
        @Override
        public void reply(byte[] bytes) {
            if (key.isValid()) {
                send(key, viewer, bytes, bytes.length);
            }
        }
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
