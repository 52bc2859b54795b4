package nodecast.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One keep-alive HTTP/1.1 connection to a server on 127.0.0.1, on which a publisher sends one request at a time. */
final class PublishConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    PublishConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** The server's answer: when the request was sent (System.nanoTime), its status line, its body. */
    record Answer(long sentAt, String statusLine, String body) {
        boolean statusIs(int... statuses) {
            for (int status : statuses) {
                if (statusLine.startsWith("HTTP/1.1 " + status + " ")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Sends {@code head} (request line and headers, without Content-Length or the blank line) and {@code body}; reads the answer. */
    Answer send(String head, byte[] body) throws IOException {
        byte[] headBytes = (head + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long sentAt = System.nanoTime();
        out.write(headBytes);
        out.write(body);
        out.flush();
        HttpHead answerHead = HttpHead.read(in);
        String length = answerHead.header("Content-Length").orElseThrow(() -> new IOException("response without Content-Length"));
        String answer = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        return new Answer(sentAt, answerHead.statusLine(), answer);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
