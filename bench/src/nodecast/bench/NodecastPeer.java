package nodecast.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** nodecast as the comparison with a peer runs it: as a user would, in memory, with viewers that send what a browser sends. */
final class NodecastPeer implements PeerServer {
    private final NodecastProcess server;
    private final Publisher publisher;

    private NodecastPeer(NodecastProcess server, Publisher publisher) {
        this.server = server;
        this.publisher = publisher;
    }

    /** A fresh server, its log named after {@code run}. */
    static NodecastPeer start(Children children, Settings settings, Path logDir, String run) throws IOException {
        NodecastProcess server = NodecastProcess.start(children, settings, false, settings.fanOutWaitTimeout(), logDir, "peer-" + run);
        try {
            return new NodecastPeer(server, new Publisher(server));
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    String vmFlags() throws IOException {
        return server.vmFlags();
    }

    @Override
    public String name() {
        return "nodecast";
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public ViewerStyle viewers(Transport transport) {
        return switch (transport) {
            case POLL -> ViewerStyle.NODECAST_BROWSER;
            case SSE -> ViewerStyle.NODECAST_EVENT_SOURCE;
            case WEBSOCKET -> ViewerStyle.NODECAST_WEBSOCKET;
        };
    }

    @Override
    public Publishing publisher() {
        return publisher;
    }

    @Override
    public List<Long> pids() {
        return List.of(server.pid());
    }

    @Override
    public void close() {
        try {
            publisher.close();
        } catch (IOException e) {
            // the server is stopped next anyway
        }
        server.close();
    }
}
