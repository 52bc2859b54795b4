package nodecast.bench;

import java.nio.charset.StandardCharsets;

/** The first line of a viewer's request, line break included: which server, which endpoint, from where. */
interface RequestLine {
    /** Writes the line for {@code viewer} into {@code out} at {@code at}; returns where it ends. */
    int write(ViewerConnection viewer, byte[] out, int at);

    /** {@code GET path HTTP/1.1}, the same for every viewer (Nchan's: the channel, and where to start, are in its config). */
    static RequestLine get(String path) {
        byte[] line = ("GET " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
        return (viewer, out, at) -> RequestHeaders.put(line, out, at);
    }
}
