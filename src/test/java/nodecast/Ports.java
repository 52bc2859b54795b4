package nodecast;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for the servers a test starts, on which it can start them again. */
final class Ports {
    private Ports() {
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up), whose cluster bus port (10,000 above it) is free
     * and below that range too. While a test has a server on an ephemeral port stopped, the kernel can give that
     * port to an outgoing connection, even to a client reconnecting to it (a TCP self-connect), and starting the
     * server again on it then fails.
     */
    static int free() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(10_000, 22_000);
            try (ServerSocket client = new ServerSocket(port); ServerSocket bus = new ServerSocket(port + 10_000)) {
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IOException("no free port below the ephemeral range");
    }
}
