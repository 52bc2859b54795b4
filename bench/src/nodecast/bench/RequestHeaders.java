package nodecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * The header lines a viewer's request carries after its request line, up to and including the
 * blank line (but for a WebSocket's, which its connection's key ends). What a browser sends, a cookie
 * of about 100 bytes included, makes about 500 bytes a request with the request line: parsing them
 * is part of what a server spends per viewer, on every poll and on every stream's opening.
 */
final class RequestHeaders {
    /** The least HTTP/1.1 allows: what the back-to-back fan-out has always sent. */
    static final byte[] MINIMAL = "Host: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final String HOST = "Host: 127.0.0.1\r\n";
    private static final String USER_AGENT =
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n";
    private static final String LANGUAGE = "Accept-Language: en-GB,en;q=0.9,fr;q=0.8\r\n";
    private static final String ENCODING = "Accept-Encoding: gzip, deflate, br\r\n";
    private static final String REFERER = "Referer: http://127.0.0.1/live/match-report-2026-11-27\r\n";
    private static final String COOKIE =
            "Cookie: session=6f1c2a9e4b7d4c0e9a3f5b8d2e1c7a64; theme=dark; consent=analytics%3Dno%26ads%3Dno; lang=en-GB\r\n";
    private static final String SAME_ORIGIN_FETCH = "Sec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\n";
    private static final String KEEP_ALIVE = "Connection: keep-alive\r\n";

    /** What a browser's page sends with its XHR: a long poll's. */
    static final byte[] BROWSER = ascii(HOST + USER_AGENT + "Accept: application/json, text/plain, */*\r\n" + LANGUAGE + ENCODING
            + REFERER + COOKIE + SAME_ORIGIN_FETCH + KEEP_ALIVE + "\r\n");

    /** What a browser's EventSource sends: the same, asking for an event stream and nothing from a cache. */
    static final byte[] EVENT_SOURCE = ascii(HOST + USER_AGENT + "Accept: text/event-stream\r\nCache-Control: no-cache\r\n" + LANGUAGE
            + ENCODING + REFERER + COOKIE + SAME_ORIGIN_FETCH + KEEP_ALIVE + "\r\n");

    /**
     * What a browser's WebSocket sends (Chromium's handshake: the page's Origin, no Referer), but the
     * connection's own {@code Sec-WebSocket-Key} and the blank line, which follow. It offers
     * permessage-deflate, as browsers do: Nchan takes it up, and still sends a message uncompressed
     * unless it was deflated when published (nchan_deflate_message_for_websocket, off here);
     * nodecast does not take it up.
     */
    static final byte[] WEBSOCKET = ascii(HOST + "Connection: Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n" + USER_AGENT
            + "Upgrade: websocket\r\nOrigin: http://127.0.0.1\r\nSec-WebSocket-Version: 13\r\n" + ENCODING + LANGUAGE + COOKIE
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");

    private RequestHeaders() {
    }

    /** Copies {@code bytes} into {@code out} at {@code at}; returns where the copy ends. */
    static int put(byte[] bytes, byte[] out, int at) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
