package nodecast.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The head of a stream's response (status line and headers), read once per connection, so plain strings will do. */
record ResponseHead(int status, String text) {
    static ResponseHead parse(byte[] bytes, int from, int to) {
        String text = new String(bytes, from, to - from, StandardCharsets.US_ASCII);
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            throw new IllegalStateException("not an HTTP/1.1 response: " + text.lines().findFirst().orElse(""));
        }
        return new ResponseHead(Integer.parseInt(text.substring(9, 12)), text);
    }

    /** The value of header {@code name} (any case), or "" if there is none. */
    String header(String name) {
        String wanted = name.toLowerCase(Locale.ROOT) + ":";
        return text.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(wanted))
                .map(line -> line.substring(wanted.length()).strip()).findFirst().orElse("");
    }

    /** Throws, with the status line, unless the server answered {@code expected}. */
    void expect(int expected) {
        if (status != expected) {
            throw new IllegalStateException("the stream was answered " + text.lines().findFirst().orElse("") + ", not " + expected);
        }
    }
}
