package nodecast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Publishes to Nchan's publisher location ({@code POST /pub}) over one keep-alive connection. Nchan
 * delivers the body as it is, so the id viewers count by is numbered here and written into it.
 */
final class NchanPublisher implements Publishing, AutoCloseable {
    private final PublishConnection connection;
    private long nextId = 1;

    NchanPublisher(int port) throws IOException {
        connection = new PublishConnection(port);
    }

    @Override
    public Published publish(String text) throws IOException {
        long id = nextId++;
        byte[] body = ("{\"id\":" + id + ",\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
        PublishConnection.Answer answer = connection.send("POST /pub HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nAccept: application/json\r\n", body);
        // 201: delivered to subscribers; 202: kept, but no subscriber was waiting.
        if (!answer.statusIs(201, 202)) {
            throw new IOException("Nchan answered the publish " + answer.statusLine() + ": " + answer.body());
        }
        return new Published(id, answer.sentAt());
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
