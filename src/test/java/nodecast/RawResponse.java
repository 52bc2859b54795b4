package nodecast;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP/1.x answer as {@link RawResponseReader} read it; header names in lower case, first value kept. */
record RawResponse(int status, Map<String, String> headers, byte[] body) {
    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
