package nodecast.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One viewer's connection: its socket, the protocol it follows the broadcast with, and where it is
 * in it. A long-polling viewer has at most one request outstanding, as the page does, and keeps here
 * the bytes of a response that has not fully arrived yet; a streaming one has its stream's reader.
 */
final class ViewerConnection {
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    final SocketChannel socket;
    final ViewerProtocol protocol;
    /** What a streaming viewer reads its never-ending response with; null for a long-polling one. */
    final StreamReader stream;
    /** The channel it follows, by number (0 for a server without channels), and that channel's path prefix (empty: unprefixed). */
    final int channel;
    final byte[] channelPath;
    /** The id after the last message it got: what it counts deliveries, gaps and repeats by. */
    long nextId;
    /** Header lines its protocol must send back with the next request (Nchan's); null if none. */
    byte[] resumeHeaders;
    /** Request bytes the socket did not take at once; null nearly always. */
    ByteBuffer unsent;
    /** A response that arrived in pieces; null between responses (nearly always, as answers are small). */
    private byte[] partial;
    private int partialLength;

    /** Where the last complete response lies, valid after {@link #take} returned true. */
    byte[] responseBytes;
    int status;
    int bodyStart;
    int bodyEnd;
    /** Bytes after the response; a viewer with one request outstanding should never see any. */
    int extraBytes;

    ViewerConnection(SocketChannel socket, ViewerProtocol protocol, ChannelSpread.Follows follows, long nextId) {
        this.socket = socket;
        this.protocol = protocol;
        this.stream = protocol instanceof StreamProtocol streams ? streams.reader() : null;
        this.channel = follows.channel();
        this.channelPath = follows.path();
        this.nextId = nextId;
    }

    /** Adds bytes read from the socket; true once a whole response is there. Throws if it is not HTTP we understand. */
    boolean take(byte[] data, int length) {
        byte[] bytes = data;
        int total = length;
        if (partial != null) {
            if (partialLength + length > partial.length) {
                partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
            }
            System.arraycopy(data, 0, partial, partialLength, length);
            partialLength += length;
            bytes = partial;
            total = partialLength;
        }
        int headerEnd = indexOf(bytes, HEADER_END, 0, total);
        if (headerEnd >= 0) {
            int bodyLength = contentLength(bytes, headerEnd);
            int end = headerEnd + HEADER_END.length + bodyLength;
            if (end <= total) {
                responseBytes = bytes;
                status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
                bodyStart = headerEnd + HEADER_END.length;
                bodyEnd = end;
                extraBytes = total - end;
                partial = null;
                return true;
            }
        }
        if (partial == null) {
            partial = Arrays.copyOf(data, Math.max(length * 2, 1024));
            partialLength = length;
        }
        return false;
    }

    private static int contentLength(byte[] bytes, int headerEnd) {
        int at = indexOfIgnoreCase(bytes, CONTENT_LENGTH, 0, headerEnd);
        if (at < 0) {
            throw new IllegalStateException("response without Content-Length");
        }
        int i = at + CONTENT_LENGTH.length;
        while (bytes[i] == ' ') {
            i++;
        }
        int value = 0;
        while (i < headerEnd && bytes[i] >= '0' && bytes[i] <= '9') {
            value = value * 10 + (bytes[i++] - '0');
        }
        return value;
    }

    static int indexOf(byte[] bytes, byte[] wanted, int from, int to) {
        outer:
        for (int i = from; i <= to - wanted.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (bytes[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int indexOfIgnoreCase(byte[] bytes, byte[] lowerCase, int from, int to) {
        outer:
        for (int i = from; i <= to - lowerCase.length; i++) {
            for (int j = 0; j < lowerCase.length; j++) {
                if (Character.toLowerCase(bytes[i + j]) != lowerCase[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
