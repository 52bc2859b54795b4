package nodecast.bench;

import java.util.List;

/** A server the comparison with a peer drives: where and how its viewers follow it, how to publish to it, and which processes are it. */
interface PeerServer extends AutoCloseable {
    String name();

    int port();

    /** How its viewers follow it over {@code transport}, as a browser's page would. */
    ViewerStyle viewers(Transport transport);

    Publishing publisher();

    /** The processes whose CPU time and memory are the server's, as they are now. */
    List<Long> pids();

    @Override
    void close();
}
