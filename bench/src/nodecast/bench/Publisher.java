package nodecast.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Publishes one message at a time over one keep-alive connection, as a JSON client: {@code POST /submit-message}. */
final class Publisher implements AutoCloseable {
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String key;

    Publisher(NodecastProcess server) throws IOException {
        key = server.publishKey();
        socket = new Socket("127.0.0.1", server.port());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** What one publish did: the id the server gave, and when the request was sent (System.nanoTime). */
    record Published(long id, long sentAt) {
    }

    Published publish(String text) throws IOException {
        byte[] body = ("text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("POST /submit-message HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nAuthorization: Bearer " + key + "\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long sentAt = System.nanoTime();
        out.write(head);
        out.write(body);
        out.flush();
        String headers = readHeaders();
        String answer = new String(in.readNBytes(contentLength(headers)), StandardCharsets.UTF_8);
        if (!headers.startsWith("HTTP/1.1 201")) {
            throw new IOException("publishing answered " + headers.lines().findFirst().orElse("nothing") + ": " + answer);
        }
        Matcher id = ID.matcher(answer);
        if (!id.find()) {
            throw new IOException("publishing answered without an id: " + answer);
        }
        return new Published(Long.parseLong(id.group(1)), sentAt);
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || headers.size() > 16_384) {
                throw new IOException("the server closed the publisher's connection");
            }
            headers.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return headers.toString(StandardCharsets.US_ASCII);
    }

    private static int contentLength(String headers) throws IOException {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        throw new IOException("response without Content-Length");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
