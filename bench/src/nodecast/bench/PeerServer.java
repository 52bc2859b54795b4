package nodecast.bench;

import java.util.List;

/** A server the comparison with a peer drives: where and how its viewers poll, how to publish to it, and which processes are it. */
interface PeerServer extends AutoCloseable {
    String name();

    int port();

    ViewerStyle viewers();

    Publishing publisher();

    /** The processes whose CPU time and memory are the server's, as they are now. */
    List<Long> pids();

    @Override
    void close();
}
