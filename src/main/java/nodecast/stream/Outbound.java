package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import nodecast.metrics.StreamQueues;
import org.xnio.channels.StreamSinkChannel;

/**
 * The bytes waiting to go to one stream's client, Server-Sent Events or WebSocket alike, written
 * straight to the connection without blocking. A frame offered while nothing waits is written at
 * once and only what the socket did not take is queued: the usual frame of a reader that keeps
 * up is never stored, so the long-lived queue is not touched (storing each new frame into it
 * cost the garbage collector's refinement threads 2 to 3 µs per delivery). What waits is views
 * of shared encodings, and goes when the channel's write listener says it is writable again.
 *
 * <p>What counts against the bound is what the heap holds: each waiting frame's bytes not yet
 * written plus {@link #FRAME_COST}, so no frame, however few bytes it puts on the wire, is cheap
 * to hold. The answer to a client's ping waits apart, one at most ({@link #answerPing}).
 */
final class Outbound implements StreamSink {
    /**
     * What a waiting frame costs the heap besides its bytes: its view of the shared encoding (56
     * bytes) and its slot in the queue, with room for the queue's array doubling.
     */
    static final int FRAME_COST = 64;
    /** A queue that held more frames than this is replaced once empty: an ArrayDeque never gives back the array a burst grew. */
    private static final int KEPT_FRAMES = 16;

    private final StreamSinkChannel channel;
    private final long maxHeld;
    private final StreamQueues queues;
    /** The frames the socket has not taken whole, oldest first. */
    private ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
    private int mostWaiting;
    /** The answer to the client's latest ping, not begun; null when there is none to send. */
    private ByteBuffer pong;
    /** What the waiting frames and the pong hold: their bytes not yet written, plus {@link #FRAME_COST} each. */
    private long held;
    /** Every byte the socket has taken: whether the client makes progress. */
    private long written;
    /** Whether some of the oldest waiting frame is written already: then the rest must follow before anything else. */
    private boolean headBegun;
    private boolean awaitingWritable;
    /**
     * Why nothing more can be written: a failed write of a frame offered (a write while queuing
     * has no one to tell), or the connection closed. Reported by every {@link #flush}; frames
     * offered from then on are dropped.
     */
    private IOException failure;

    Outbound(StreamSinkChannel channel, long maxHeld, StreamQueues queues) {
        this.channel = channel;
        this.maxHeld = maxHeld;
        this.queues = queues;
    }

    @Override
    public boolean offer(ByteBuffer frame) {
        if (held > 0 && held + cost(frame) > maxHeld && failure == null) {
            return false;
        }
        add(frame);
        return true;
    }

    @Override
    public void add(ByteBuffer frame) {
        if (failure != null) {
            return; // nothing more will be written: the next flush says why
        }
        if (held == 0) {
            try {
                int taken = channel.write(frame);
                written += taken;
                if (!frame.hasRemaining()) {
                    return;
                }
                headBegun = taken > 0;
            } catch (IOException e) {
                // The connection may have closed inside the write, and its close listener discarded this sink already.
                failure = e;
                return;
            }
        }
        waiting.add(frame);
        mostWaiting = Math.max(mostWaiting, waiting.size());
        changed(cost(frame), 1);
    }

    /**
     * Sends the answer to the client's latest ping before every frame not begun, in place of an
     * earlier answer not begun yet: RFC 6455 (5.5.3) lets a server answer only the most recent
     * ping, so a client that pings without reading makes the server hold one pong, not one per ping.
     */
    void answerPing(ByteBuffer answer) {
        if (failure != null) {
            return;
        }
        if (pong != null) {
            changed(-cost(pong), -1);
            pong = null;
        }
        if (held == 0) {
            add(answer);
        } else {
            pong = answer;
            changed(cost(answer), 1);
        }
    }

    @Override
    public long held() {
        return held;
    }

    @Override
    public long written() {
        return written;
    }

    /** Writes what the socket takes now; true when nothing is left, else the write listener is armed. */
    @Override
    public boolean flush() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (headBegun && !writeHead()) {
            return awaitWritable();
        }
        if (pong != null && !writePong()) {
            return awaitWritable();
        }
        while (!waiting.isEmpty()) {
            if (!writeHead()) {
                return awaitWritable();
            }
        }
        if (mostWaiting > KEPT_FRAMES) {
            waiting = new ArrayDeque<>();
            mostWaiting = 0;
        }
        if (!channel.flush()) {
            return awaitWritable();
        }
        if (awaitingWritable) {
            channel.suspendWrites();
            awaitingWritable = false;
        }
        return true;
    }

    /** Writes what the socket takes of the oldest waiting frame; true when all of it is written. */
    private boolean writeHead() throws IOException {
        ByteBuffer head = waiting.peek();
        int taken = channel.write(head);
        written += taken;
        if (head.hasRemaining()) {
            headBegun |= taken > 0;
            changed(-taken, 0);
            return false;
        }
        waiting.poll();
        headBegun = false;
        changed(-taken - FRAME_COST, -1);
        return true;
    }

    /** Writes what the socket takes of the pong; true when all of it is written. */
    private boolean writePong() throws IOException {
        int taken = channel.write(pong);
        written += taken;
        if (!pong.hasRemaining()) {
            changed(-taken - FRAME_COST, -1);
            pong = null;
            return true;
        }
        changed(-taken, 0);
        if (taken > 0) {
            // Begun, it must end before anything else: it leads the queue, and a newer answer waits apart.
            waiting.addFirst(pong);
            headBegun = true;
            pong = null;
        }
        return false;
    }

    /**
     * Drops every frame not begun: the stream ended. The rest of one partly written stays, so a
     * transport that says goodbye in band (a WebSocket's close frame) does so between frames.
     */
    @Override
    public void clear() {
        ByteBuffer begun = headBegun ? waiting.peek() : null;
        drop();
        if (begun != null) {
            waiting.add(begun);
            changed(cost(begun), 1);
        }
    }

    /** The connection is closed: nothing waiting will be written, nothing is held any more, and nothing more is taken. */
    @Override
    public void discard() {
        drop();
        headBegun = false;
        if (failure == null) {
            failure = new ClosedChannelException();
        }
    }

    private void drop() {
        changed(-held, -(waiting.size() + (pong == null ? 0 : 1)));
        waiting = new ArrayDeque<>();
        mostWaiting = 0;
        pong = null;
    }

    private void changed(long bytes, int frames) {
        held += bytes;
        queues.changed(bytes, frames, held);
    }

    private static long cost(ByteBuffer frame) {
        return frame.remaining() + FRAME_COST;
    }

    private boolean awaitWritable() {
        if (!awaitingWritable) {
            channel.resumeWrites();
            awaitingWritable = true;
        }
        return false;
    }
}
