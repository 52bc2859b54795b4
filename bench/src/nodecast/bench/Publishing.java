package nodecast.bench;

import java.io.IOException;

/** Publishes one message at a time to a server under test; every message's body ends up carrying {@code "id":N}. */
interface Publishing {
    /** What one publish did: the message's id, and when the request was sent (System.nanoTime). */
    record Published(long id, long sentAt) {
    }

    Published publish(String text) throws IOException;
}
