package nodecast;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One HTTP/1.1 request as {@link FuzzRequests} shapes it; {@link #bytes()} writes it out, ISO-8859-1. */
final class RawRequest {
    String method;
    String target;
    final List<String[]> headers = new ArrayList<>();
    byte[] body;
    boolean host = true;
    boolean close = true;

    RawRequest(String method, String target) {
        this.method = method;
        this.target = target;
    }

    RawRequest header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    RawRequest body(byte[] bytes) {
        body = bytes;
        return this;
    }

    /** The first value of a header, trimmed as a server would, or null. */
    String first(String name) {
        return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1].strip()).findFirst().orElse(null);
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(latin1Bytes(method + " " + target + " HTTP/1.1\r\n"));
        if (host) {
            out.writeBytes(latin1Bytes("Host: 127.0.0.1\r\n"));
        }
        for (String[] header : headers) {
            out.writeBytes(latin1Bytes(header[0] + ": " + header[1] + "\r\n"));
        }
        if (body != null && first("content-length") == null && first("transfer-encoding") == null) {
            out.writeBytes(latin1Bytes("Content-Length: " + body.length + "\r\n"));
        }
        if (close) {
            out.writeBytes(latin1Bytes("Connection: close\r\n"));
        }
        out.writeBytes(latin1Bytes("\r\n"));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    static byte[] latin1Bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
