package nodecast.bench;

import java.nio.charset.StandardCharsets;

/** The header lines a viewer's request carries after its request line, up to and including the blank line. */
final class RequestHeaders {
    /** The least HTTP/1.1 allows: what the back-to-back fan-out has always sent. */
    static final byte[] MINIMAL = "Host: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * What a browser's page sends with its XHR, a cookie of about 100 bytes included: with the request
     * line, about 500 bytes a request. Parsing them is part of what a server spends per viewer.
     */
    static final byte[] BROWSER = ("Host: 127.0.0.1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n"
            + "Accept: application/json, text/plain, */*\r\n"
            + "Accept-Language: en-GB,en;q=0.9,fr;q=0.8\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Referer: http://127.0.0.1/live/match-report-2026-11-27\r\n"
            + "Cookie: session=6f1c2a9e4b7d4c0e9a3f5b8d2e1c7a64; theme=dark; consent=analytics%3Dno%26ads%3Dno; lang=en-GB\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Sec-Fetch-Mode: cors\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private RequestHeaders() {
    }

    /** Copies {@code bytes} into {@code out} at {@code at}; returns where the copy ends. */
    static int put(byte[] bytes, byte[] out, int at) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }
}
