package nodecast.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Publishes one message at a time over one keep-alive connection, as a JSON client:
 * {@code POST /submit-message}, or {@code POST /c/NAME/submit-message} to channel NAME.
 */
final class Publisher implements Publishing, AutoCloseable {
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    private final PublishConnection connection;
    private final String key;

    Publisher(NodecastProcess server) throws IOException {
        this(new PublishConnection(server.port()), server.publishKey());
    }

    /** A publisher on a connection that also carries other requests between its publishes. */
    Publisher(PublishConnection connection, String key) {
        this.connection = connection;
        this.key = key;
    }

    /** The id is the one nodecast gave, which its answers to viewers carry. */
    @Override
    public Published publish(String text) throws IOException {
        return publish("", text);
    }

    /** Publishes to the channel whose endpoints are under {@code channelPath} ({@code /c/NAME}; empty: unprefixed). */
    Published publish(String channelPath, String text) throws IOException {
        byte[] body = ("text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
        PublishConnection.Answer answer = connection.send("POST " + channelPath + "/submit-message HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nAccept: application/json\r\nAuthorization: Bearer " + key + "\r\n", body);
        if (!answer.statusIs(201)) {
            throw new IOException("publishing answered " + answer.statusLine() + ": " + answer.body());
        }
        Matcher id = ID.matcher(answer.body());
        if (!id.find()) {
            throw new IOException("publishing answered without an id: " + answer.body());
        }
        return new Published(Long.parseLong(id.group(1)), answer.sentAt());
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
