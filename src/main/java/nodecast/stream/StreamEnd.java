package nodecast.stream;

/**
 * Why a stream ended: its metric tag ({@code nodecast_stream_disconnects_total{reason}}) and, on
 * a WebSocket, the close code and reason it is closed with, all from this one value.
 */
enum StreamEnd {
    /** Its client read too slowly: a message did not fit in its queue, or it took nothing for two keepalive periods while bytes waited. */
    SLOW("slow", 1008, "reading too slowly; reconnect with your last id"),
    /**
     * A WebSocket client answered neither of the last two pings: gone, or reading so far behind
     * (a backlog in the kernel's buffer) that a ping waits longer than that. Counted as gone, but
     * told why in a close frame, which a reader that is still there finds after what it was sent.
     */
    UNANSWERED("client", 1008, "no answer to two pings; reconnect with your last id"),
    /** The server stops (or dropped the channel): the client reconnects, through the load balancer, elsewhere. */
    SHUTDOWN("shutdown", 1001, "server shutting down; reconnect"),
    /** The client left, closed, broke the protocol or could not be written to: a WebSocket answers what it sent, if anything. */
    CLIENT("client", 0, "");

    final String metricTag;
    /** The WebSocket close code; 0 when the transport answers the client's own close instead. */
    final int closeCode;
    final String closeReason;

    StreamEnd(String metricTag, int closeCode, String closeReason) {
        this.metricTag = metricTag;
        this.closeCode = closeCode;
        this.closeReason = closeReason;
    }
}
