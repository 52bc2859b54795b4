package nodecast;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import nodecast.log.Message;

/**
 * A WebSocket spoken byte by byte over a plain socket, for what the JDK's client will not do: a
 * handshake with any headers, frames that break the protocol, and the server's frames exactly
 * as they came on the wire.
 */
final class RawWebSocket implements RawViewer {
    /** RFC 6455's example key. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private final Socket socket;
    private final PacedInput paced;
    private final DataInputStream in;
    /** The close code the server's close frame carried, -1 while none came. */
    private int closeCode = -1;
    /** The handshake's answer: its status, its headers (names in lower case), and the body of a refusal. */
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final String body;

    /** One frame as the server sent it: the whole of it, and its opcode and payload. */
    record Frame(byte[] bytes, int opcode, byte[] payload) {
        int closeCode() {
            return (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        }
    }

    private RawWebSocket(TestServer server, String head, int receiveBuffer) throws IOException {
        socket = RawViewer.connect(server, receiveBuffer, WebSocketClient.PATIENCE);
        paced = new PacedInput(socket.getInputStream());
        in = new DataInputStream(new BufferedInputStream(paced));
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        String[] answer = readHead().split("\r\n");
        status = Integer.parseInt(answer[0].split(" ")[1]);
        for (int i = 1; i < answer.length; i++) {
            int colon = answer[i].indexOf(':');
            headers.putIfAbsent(answer[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), answer[i].substring(colon + 1).trim());
        }
        int length = status == 101 ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
        body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** A handshake naming {@code version} and {@code key}. */
    static RawWebSocket open(TestServer server, String path, String version, String key) {
        return open(server, path, version, key, 0);
    }

    private static RawWebSocket open(TestServer server, String path, String version, String key, int receiveBuffer) {
        return request(server, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n", receiveBuffer);
    }

    /** Sends {@code head} as it is (request line, headers and the blank line) and reads the answer's head. */
    static RawWebSocket request(TestServer server, String head) {
        return request(server, head, 0);
    }

    private static RawWebSocket request(TestServer server, String head, int receiveBuffer) {
        try {
            return new RawWebSocket(server, head, receiveBuffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A handshake as RFC 6455's example makes it. */
    static RawWebSocket open(TestServer server, String path) {
        return open(server, path, "13", KEY);
    }

    /** A handshake as RFC 6455's example makes it, from a socket that offers a window of about {@code receiveBuffer} bytes. */
    static RawWebSocket withWindow(TestServer server, String path, int receiveBuffer) {
        return open(server, path, "13", KEY, receiveBuffer);
    }

    /** Sends bytes as they are: frames made by {@link #frame}, any number at once. */
    void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
    }

    /** Sends one whole frame, masked or not as a client's must be. */
    void send(int opcode, byte[] payload, boolean masked) throws IOException {
        socket.getOutputStream().write(frame(opcode, payload, masked));
    }

    /** Sends one masked frame a byte at a time, each in a TCP segment of its own, so the server reads it in pieces. */
    void trickle(int opcode, byte[] payload) throws IOException, InterruptedException {
        socket.setTcpNoDelay(true);
        for (byte b : frame(opcode, payload, true)) {
            socket.getOutputStream().write(b);
            Thread.sleep(5);
        }
    }

    /** One whole masked frame, as a client sends it. */
    static byte[] masked(int opcode, byte[] payload) {
        return frame(opcode, payload, true);
    }

    private static byte[] frame(int opcode, byte[] payload, boolean masked) {
        return frame(0x80 | opcode, payload.length, payload, masked);
    }

    /**
     * One frame: {@code first} its first byte (FIN, RSV bits, opcode), {@code length} the length its
     * header says (in 7, 16 or 64 bits, as short as it fits), then {@code payload}, masked or not.
     */
    static byte[] frame(int first, long length, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(first);
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            frame.write(maskBit | (int) length);
        } else if (length <= 0xFFFF) {
            frame.write(maskBit | 126);
            frame.writeBytes(ByteBuffer.allocate(2).putShort((short) length).array());
        } else {
            frame.write(maskBit | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(length).array());
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        if (masked) {
            frame.writeBytes(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(masked ? payload[i] ^ mask[i % 4] : payload[i]);
        }
        return frame.toByteArray();
    }

    /** The server's next frame, which must not be masked. */
    Frame next() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        bytes.write(first);
        bytes.write(second);
        if ((second & 0x80) != 0) {
            throw new IOException("a server's frame is masked");
        }
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
            bytes.write(ByteBuffer.allocate(2).putShort((short) length).array());
        } else if (length == 127) {
            length = in.readLong();
            bytes.write(ByteBuffer.allocate(8).putLong(length).array());
        }
        byte[] payload = in.readNBytes((int) length);
        bytes.write(payload);
        return new Frame(bytes.toByteArray(), first & 0x0F, payload);
    }

    /**
     * The next message (pings answered with a pong as a browser does; other events passed over);
     * null at a close frame or the connection's end. Fails if no message comes within the patience.
     */
    @Override
    public Message nextMessage() throws IOException {
        long deadline = System.nanoTime() + WebSocketClient.PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame;
            try {
                frame = next();
            } catch (EOFException e) {
                return null;
            }
            if (frame.opcode() == CLOSE) {
                closeCode = frame.payload().length >= 2 ? frame.closeCode() : 1005;
                return null;
            }
            if (frame.opcode() == PING) {
                send(PONG, frame.payload(), true);
            } else if (frame.opcode() == TEXT && !text(frame).startsWith("{\"event\":")) {
                return Message.fromJson(text(frame));
            }
        }
        throw new IOException("no message in " + WebSocketClient.PATIENCE.toSeconds() + " s, only other frames");
    }

    static String text(Frame frame) {
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }

    @Override
    public int endCode() {
        return closeCode;
    }

    @Override
    public void pace(long bytesPerSecond) {
        paced.pace(bytesPerSecond);
    }

    /** Whether the server closed the connection: the next read finds its end. */
    boolean ended() throws IOException {
        return in.read() == -1;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Shuts down the sending side only: the client still reads. */
    void halfClose() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
