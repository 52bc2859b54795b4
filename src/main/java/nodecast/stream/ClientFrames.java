package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads what a WebSocket client sends (RFC 6455), as its connection's read listener, never
 * blocking: a frame may come in any number of reads, so the parser keeps its place between them.
 * nodecast needs nothing from a client but its pongs: data frames are counted and skipped (a text
 * message checked for UTF-8 on the way), a ping is answered, a close is answered, and a frame
 * that breaks the protocol ends the reading.
 *
 * <pre>
 *   HEADER --its 6 to 14 bytes read--&gt; PAYLOAD --read: the frame told to the peer--&gt; HEADER
 *     |                                    |
 *     |                                    +--it was a close--&gt; DONE
 *     +--unmasked, RSV bits, unknown opcode, control frame fragmented or over 125 bytes,
 *        continuation out of place, a close of 1 byte or a code no peer sends (1002); a data
 *        message over 4 KB (1009); a text message or close reason that is not UTF-8 (1007)--&gt; DONE
 *   any state --EOF or read error--&gt; gone (told once)
 * </pre>
 *
 * DONE reads on and drops what it reads, so the peer's last frames never make the kernel reset
 * the connection before the close frame reaches the client. Called on the connection's IO thread only.
 */
final class ClientFrames implements ChannelListener<StreamSourceChannel> {
    /** The most a client's data message (all its fragments) may hold: nodecast needs none. */
    private static final int MAX_MESSAGE = 4 * 1024;
    /** Bytes read at once; a client sends little, so a small buffer made per read event costs less than one kept per socket. */
    private static final int READ_SIZE = 1_024;
    /** Reads per event at most, so a client that floods the socket cannot hold the IO thread; the listener is called again. */
    private static final int READS_PER_EVENT = 16;

    private static final int CONTINUATION = 0x0;
    private static final int BINARY = 0x2;
    private static final int RSV = 0x70;
    private static final int OPCODE = 0x0F;
    private static final int MASKED = 0x80;
    private static final int LENGTH = 0x7F;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    /** What the client did, in the order it did it. */
    interface Peer {
        /** A whole frame arrived: the client is there. */
        void heard();

        /** A ping, to be answered with a pong carrying {@code payload}. */
        void pinged(byte[] payload);

        /** The client closes, with {@code code} (1005 when it gave none); nothing it sends after counts. */
        void closing(int code);

        /** The client broke the protocol: close with {@code code}; nothing it sends after counts. */
        void broke(int code, String reason);

        /** The connection's reading side ended: EOF, or a read failed. */
        void gone();
    }

    private final Peer peer;
    /** The frame header read so far: two bytes, up to 8 of extended length, 4 of mask. */
    private final byte[] header = new byte[14];
    private int headerRead;
    /** The whole header's size, known once its first two bytes are read. */
    private int headerSize = 2;
    private boolean inPayload;
    private long payloadLeft;
    private int payloadRead;
    /** A ping's or close's payload, unmasked as it arrives; null for data frames, which are skipped. */
    private byte[] controlPayload;
    /** Bytes of the data message under way (its fragments so far); -1 when none is. */
    private long messageBytes = -1;
    /** The UTF-8 check of the text message under way, across its fragments; null when none is (or it is binary). */
    private Utf8Check text;
    private boolean done;
    private boolean gone;

    ClientFrames(Peer peer) {
        this.peer = peer;
    }

    @Override
    public void handleEvent(StreamSourceChannel channel) {
        ByteBuffer bytes = ByteBuffer.allocate(READ_SIZE);
        try {
            for (int reads = 0; reads < READS_PER_EVENT && !gone; reads++) {
                int read = channel.read(bytes);
                if (read == 0) {
                    return;
                }
                if (read < 0) {
                    end(channel);
                    return;
                }
                bytes.flip();
                take(bytes);
                bytes.clear();
            }
        } catch (IOException e) {
            end(channel);
        }
    }

    private void end(StreamSourceChannel channel) {
        channel.suspendReads();
        gone = true;
        peer.gone();
    }

    private void take(ByteBuffer bytes) {
        while (bytes.hasRemaining() && !done) {
            if (inPayload) {
                readPayload(bytes);
            } else {
                readHeader(bytes);
            }
        }
    }

    private void readHeader(ByteBuffer bytes) {
        while (headerRead < headerSize && bytes.hasRemaining()) {
            header[headerRead++] = bytes.get();
            if (headerRead == 2 && !firstBytesAllowed()) {
                return;
            }
        }
        if (headerRead == headerSize) {
            startPayload();
        }
    }

    /** Checks what the first two bytes say, and learns the header's size from them. */
    private boolean firstBytesAllowed() {
        int opcode = header[0] & OPCODE;
        int length = header[1] & LENGTH;
        boolean control = (opcode & WebSocketFrames.CLOSE) != 0;
        if ((header[1] & MASKED) == 0) {
            return broke(1002, "a client's frames must be masked");
        }
        if ((header[0] & RSV) != 0) {
            return broke(1002, "no extension was agreed: RSV bits must be 0");
        }
        if (opcode > BINARY && opcode != WebSocketFrames.CLOSE && opcode != WebSocketFrames.PING && opcode != WebSocketFrames.PONG) {
            return broke(1002, "unknown opcode " + opcode);
        }
        if (control && ((header[0] & WebSocketFrames.FIN) == 0 || length > MAX_CONTROL_PAYLOAD)) {
            return broke(1002, "a control frame must be whole and at most 125 bytes");
        }
        headerSize = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + 4;
        return true;
    }

    private void startPayload() {
        int opcode = header[0] & OPCODE;
        long length = payloadLength();
        if (length < 0) {
            broke(1002, "a frame's length must be below 2^63");
            return;
        }
        if (opcode == CONTINUATION || opcode == WebSocketFrames.TEXT || opcode == BINARY) {
            if ((opcode == CONTINUATION) != (messageBytes >= 0)) {
                broke(1002, opcode == CONTINUATION ? "a continuation frame with no message to continue" : "a new message before the last one ended");
                return;
            }
            messageBytes = Math.max(messageBytes, 0) + length;
            if (messageBytes > MAX_MESSAGE) {
                broke(1009, "a message may hold at most " + MAX_MESSAGE + " bytes");
                return;
            }
            if (opcode != CONTINUATION) {
                text = opcode == WebSocketFrames.TEXT ? new Utf8Check() : null;
            }
            controlPayload = null;
        } else {
            controlPayload = new byte[(int) length];
        }
        inPayload = true;
        payloadLeft = length;
        payloadRead = 0;
        if (length == 0) {
            endFrame();
        }
    }

    /** The payload's length from the header: 7 bits, or the 16 or 64 that follow (negative if the 64 bits' top one is set). */
    private long payloadLength() {
        int length = header[1] & LENGTH;
        ByteBuffer extended = ByteBuffer.wrap(header, 2, 8);
        return length == 126 ? extended.getShort() & 0xFFFF : length == 127 ? extended.getLong() : length;
    }

    private void readPayload(ByteBuffer bytes) {
        int count = (int) Math.min(payloadLeft, bytes.remaining());
        int maskAt = headerSize - 4;
        if (controlPayload != null) {
            for (int i = 0; i < count; i++, payloadRead++) {
                controlPayload[payloadRead] = (byte) (bytes.get() ^ header[maskAt + payloadRead % 4]);
            }
        } else if (text != null) {
            for (int i = 0; i < count; i++, payloadRead++) {
                if (!text.accepts((byte) (bytes.get() ^ header[maskAt + payloadRead % 4]))) {
                    broke(1007, "a text message must be UTF-8");
                    return;
                }
            }
        } else {
            bytes.position(bytes.position() + count);
        }
        payloadLeft -= count;
        if (payloadLeft == 0) {
            endFrame();
        }
    }

    private void endFrame() {
        int opcode = header[0] & OPCODE;
        boolean fin = (header[0] & WebSocketFrames.FIN) != 0;
        inPayload = false;
        headerRead = 0;
        headerSize = 2;
        peer.heard();
        if (opcode == WebSocketFrames.PING) {
            peer.pinged(controlPayload);
        } else if (opcode == WebSocketFrames.CLOSE) {
            closing(controlPayload);
        } else if (opcode != WebSocketFrames.PONG && fin) {
            messageBytes = -1;
            if (text != null && !text.atCharacterEnd()) {
                broke(1007, "a text message must be UTF-8: this one ends inside a character");
            }
            text = null;
        }
        controlPayload = null;
    }

    /** The client's close: its code (1005, "none", if it gave none), if a peer may send that one, and a reason in UTF-8. */
    private void closing(byte[] payload) {
        if (payload.length == 1) {
            broke(1002, "a close frame holds nothing, or a 2-byte code and a reason: this one holds 1 byte");
            return;
        }
        int code = payload.length == 0 ? 1005 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        if (payload.length > 0 && !sendable(code)) {
            broke(1002, "not a close code a peer may send: " + code);
            return;
        }
        Utf8Check reason = new Utf8Check();
        for (int i = 2; i < payload.length; i++) {
            if (!reason.accepts(payload[i])) {
                broke(1007, "a close reason must be UTF-8");
                return;
            }
        }
        if (!reason.atCharacterEnd()) {
            broke(1007, "a close reason must be UTF-8: this one ends inside a character");
            return;
        }
        done = true;
        peer.closing(code);
    }

    /** Whether a peer may put {@code code} in a close frame (RFC 6455, 7.4). */
    private static boolean sendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    /** Always false, for the checks to return. */
    private boolean broke(int code, String reason) {
        done = true;
        peer.broke(code, reason);
        return false;
    }
}
