package nodecast.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The head of an HTTP/1.1 response (its status line and headers), read line by line from a blocking stream. */
record HttpHead(String statusLine, List<String> headers) {
    /** Longer lines, or heads, are not a server we understand. */
    private static final int MAX_BYTES = 16_384;

    /** Reads a response's head from {@code in}, up to and including the blank line after it. */
    static HttpHead read(InputStream in) throws IOException {
        String statusLine = line(in);
        List<String> headers = new ArrayList<>();
        int size = statusLine.length();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            size += header.length();
            if (size > MAX_BYTES) {
                throw new IOException("a response head of over " + MAX_BYTES + " bytes");
            }
            headers.add(header);
        }
        return new HttpHead(statusLine, headers);
    }

    boolean statusIs(int status) {
        return statusLine.startsWith("HTTP/1.1 " + status + " ");
    }

    /** The value of the first header named {@code name} (in any case), if there is one. */
    Optional<String> header(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(h -> h.substring(prefix.length()).strip()).findFirst();
    }

    /**
     * One line of {@code in}, as ASCII, without its line feed nor a carriage return before it;
     * EOFException where the stream ends first.
     */
    static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (line.length() == MAX_BYTES) {
                throw new IOException("a line of over " + MAX_BYTES + " bytes");
            }
            line.append((char) b);
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }
}
