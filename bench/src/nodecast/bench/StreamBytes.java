package nodecast.bench;

/** A stage of reading a stream's response: it takes the next bytes, wherever the socket's reads cut them. */
interface StreamBytes {
    /** Takes {@code data[from, to)}; throws IllegalStateException on bytes the server should not have sent. */
    void take(byte[] data, int from, int to, StreamEvents events);
}
