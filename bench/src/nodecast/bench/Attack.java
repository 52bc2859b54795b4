package nodecast.bench;

/**
 * What one kind of hostile reader does (issue #15), beside the readers that simply never read
 * (the main stalled run): each opens a stream of channel default on a socket of its own, with the
 * stalled readers' small window and Ethernet-sized MSS ({@link StalledReaders}), and reads
 * nothing, or next to nothing, of what it is sent.
 */
enum Attack {
    /** WebSocket: empty pings flooded as fast as the server reads them; nothing read. Each ping asks for a pong. */
    PONG_FLOOD("pong flood", "WebSocket, empty pings flooded, nothing read"),
    /** Half SSE, half WebSocket, from id 0 of a log of the run's messages: 64 KiB read, then nothing, mid-catch-up. */
    STALLED_CATCH_UP("stall mid-catch-up", "from id 0 of the run's messages, 64 KiB read, then nothing"),
    /** SSE, with a byte after the request in the same write (a pipelined request begun): nothing read. */
    BYTE_AFTER_REQUEST("byte after the request", "SSE, a byte sent with the request, nothing read");

    final String label;
    final String description;

    Attack(String label, String description) {
        this.label = label;
        this.description = description;
    }
}
