package nodecast;

import static nodecast.Printable.escape;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads HTTP/1.x answers from a socket, never past a deadline. */
final class RawResponseReader {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})( .*)?");
    private final Socket socket;
    private final InputStream in;
    private final long deadline;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    /** Whether a byte of the current answer has arrived. */
    boolean started;

    RawResponseReader(Socket socket, long deadline) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.deadline = deadline;
    }

    /** The next final answer (interim 1xx skipped), or null if the connection ends before its first byte. */
    RawResponse next(String method) throws IOException {
        started = false;
        while (true) {
            String statusLine = line();
            if (statusLine == null) {
                return null;
            }
            Matcher status = STATUS_LINE.matcher(statusLine);
            if (!status.matches()) {
                throw new IOException("not a status line: " + escape(statusLine.getBytes(StandardCharsets.ISO_8859_1), 120));
            }
            int code = Integer.parseInt(status.group(1));
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = requiredLine(); !header.isEmpty(); header = requiredLine()) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("not a header line: " + header);
                }
                headers.putIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            if (code >= 100 && code < 200 && code != 101) {
                continue;
            }
            byte[] body;
            String length = headers.get("content-length");
            if (method.equals("HEAD") || code == 204 || code == 304) {
                body = new byte[0];
            } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
                body = chunkedBody();
            } else if (length != null) {
                body = exactly(Integer.parseInt(length));
            } else {
                body = untilEnd();
            }
            return new RawResponse(code, headers, body);
        }
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        started = true;
        return buffer[position++] & 0xff;
    }

    private boolean fill() throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("past the bound");
        }
        socket.setSoTimeout((int) left);
        int n = in.read(buffer);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /** A line without its CRLF (or bare LF); null at EOF before any byte of the line. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int c = read();
        if (c < 0) {
            return null;
        }
        while (c != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed mid-line: " + line);
            }
            if (line.length() > 64 * 1024) {
                throw new IOException("answer line longer than 64 KiB");
            }
            line.append((char) c);
            c = read();
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    private String requiredLine() throws IOException {
        String line = line();
        if (line == null) {
            throw new EOFException("connection closed inside the answer's head");
        }
        return line;
    }

    private byte[] exactly(int n) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(n);
        for (int i = 0; i < n; i++) {
            int c = read();
            if (c < 0) {
                throw new EOFException("connection closed after " + i + " of " + n + " body bytes");
            }
            body.write(c);
        }
        return body.toByteArray();
    }

    private byte[] chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = requiredLine();
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) {
                while (!requiredLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.writeBytes(exactly(n));
            if (!requiredLine().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private byte[] untilEnd() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int c = read(); c >= 0; c = read()) {
            body.write(c);
        }
        return body.toByteArray();
    }
}
