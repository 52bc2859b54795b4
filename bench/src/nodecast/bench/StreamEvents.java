package nodecast.bench;

/** What a stream viewer's reader finds, told to the viewer pool as it reads. */
interface StreamEvents {
    /** The server accepted the stream: from now on it sends this viewer every message. */
    void started();

    /** A message arrived, whichever the transport. */
    void message(long id);

    /** Bytes the viewer must send back now (a WebSocket's pong). */
    void reply(byte[] bytes);
}
