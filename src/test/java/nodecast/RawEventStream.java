package nodecast;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import nodecast.EventStreamClient.Event;
import nodecast.log.Message;

/**
 * A Server-Sent Events stream read from a plain socket, for what a library client will not do: any
 * request head (HTTP/1.0, a half-close after it), a small window, reading paced or not at all.
 * The body's framing (chunked, or up to the connection's end) is undone and its events parsed as
 * an EventSource parses them: {@code retry:} kept, comments counted.
 */
final class RawEventStream implements RawViewer {
    private final Socket socket;
    private final PacedInput paced;
    private final InputStream in;
    /** The answer's status and headers (names in lower case). */
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    private final InputStream body;
    private int comments;
    /** The last {@code retry:} value, -1 if none came. */
    private long retry = -1;
    private String lastEventId = "";

    private RawEventStream(TestServer server, String head, int receiveBuffer) throws IOException {
        socket = RawViewer.connect(server, receiveBuffer, EventStreamClient.PATIENCE);
        paced = new PacedInput(socket.getInputStream());
        in = new BufferedInputStream(paced);
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        String statusLine = line(in);
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.putIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new ChunkedInput(in)
                : headers.containsKey("content-length") ? new ByteArrayInputStream(in.readNBytes(Integer.parseInt(headers.get("content-length"))))
                : in;
    }

    /** Sends {@code head} (a request line and headers, and the blank line) and reads the answer's head. */
    static RawEventStream request(TestServer server, String head) {
        return request(server, head, 0);
    }

    /** The same from a socket that offers a window of about {@code receiveBuffer} bytes. */
    static RawEventStream request(TestServer server, String head, int receiveBuffer) {
        try {
            return new RawEventStream(server, head, receiveBuffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET pathAndQuery} over HTTP/1.1, with the given header names and values. */
    static String get(String pathAndQuery, String... headerNamesAndValues) {
        StringBuilder head = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < headerNamesAndValues.length; i += 2) {
            head.append(headerNamesAndValues[i]).append(": ").append(headerNamesAndValues[i + 1]).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** The next event dispatched, as an EventSource dispatches them (an event with no data is not); null once the stream has ended. */
    Event next() throws IOException {
        return next(System.nanoTime() + EventStreamClient.PATIENCE.toNanos());
    }

    /** The same, failing past {@code deadline} (System.nanoTime) whatever else comes meanwhile (comments every period). */
    private Event next(long deadline) throws IOException {
        String type = null;
        StringBuilder data = null;
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no event in time; " + comments + " comments meanwhile");
            }
            String line = lineOrEnd(body);
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(type == null ? "message" : type, lastEventId, data.toString());
                }
                type = null;
            } else if (line.startsWith(":")) {
                comments++;
            } else {
                EventStreamField field = EventStreamField.of(line);
                String value = field.value();
                switch (field.name()) {
                    case "event" -> type = value;
                    case "id" -> lastEventId = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    case "retry" -> retry = Long.parseLong(value);
                    default -> throw new IOException("a line no event stream has: " + line);
                }
            }
        }
    }

    /** Fails if no message comes within the patience, whatever else comes (keepalives every period). */
    @Override
    public Message nextMessage() throws IOException {
        long deadline = System.nanoTime() + EventStreamClient.PATIENCE.toNanos();
        for (Event event = next(deadline); event != null; event = next(deadline)) {
            if (event.type().equals("message")) {
                return event.message();
            }
        }
        return null;
    }

    @Override
    public int endCode() {
        return -1;
    }

    @Override
    public void pace(long bytesPerSecond) {
        paced.pace(bytesPerSecond);
    }

    int comments() {
        return comments;
    }

    long retry() {
        return retry;
    }

    /** The id an EventSource would send as Last-Event-ID if it reconnected now. */
    String lastEventId() {
        return lastEventId;
    }

    /** Shuts down the sending side only, as {@code nc -N} does after its request: the client still reads. */
    void halfClose() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String line(InputStream in) throws IOException {
        String line = lineOrEnd(in);
        if (line == null) {
            throw new IOException("the connection ended inside the answer's head");
        }
        return line;
    }

    /** The next line, without its line end; null if the input ends before one starts. */
    private static String lineOrEnd(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
