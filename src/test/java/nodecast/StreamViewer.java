package nodecast;

import java.util.List;
import nodecast.log.Message;

/** A viewer on a stream, whichever the transport: what tests that run on every stream ask of it. */
interface StreamViewer extends AutoCloseable {
    List<Message> messages();

    /** Waits until at least {@code count} messages arrived; returns them all. */
    List<Message> awaitMessages(int count);

    /** Waits until the server has ended the stream. */
    void awaitEnd();

    @Override
    void close();
}
