package nodecast;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The README's rules for {@code POST /submit-message} and {@code /clear-messages}, read again
 * independently of the server's code: only POST; a missing or form Content-Type; at most 64 KiB;
 * strict percent-escapes and UTF-8 with no repeated field; the key as a Bearer token or else as
 * the form's key field; a text that is not blank, at most 2000 code points, without control
 * characters other than tab, CR and LF.
 */
final class PublishOracle {
    static final String KEY = TestServer.KEY;
    static final int MAX_BODY = Config.DEFAULTS.maxBodyBytes();
    static final int MAX_LENGTH = Config.DEFAULTS.maxMessageLength();

    /** What a well-framed post must be answered, and the text it stores (null: nothing stored). */
    record Verdict(int status, String text, boolean clears) {
    }

    private PublishOracle() {
    }

    static Verdict judge(RawRequest r, byte[] body, boolean clear) {
        if (!r.method.equals("POST")) {
            return new Verdict(405, null, false);
        }
        String type = r.first("content-type");
        boolean json = type != null && type.split(";", 2)[0].strip().equalsIgnoreCase("application/json");
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded") && !json) {
            return new Verdict(415, null, false);
        }
        if (body.length > MAX_BODY) {
            return new Verdict(413, null, false);
        }
        Map<String, String> fields = json ? parseJson(body) : parse(body);
        if (fields == null) {
            return new Verdict(400, null, false);
        }
        String authorization = r.first("authorization");
        String given = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : json ? null : fields.get("key");
        if (!KEY.equals(given)) {
            return new Verdict(401, null, false);
        }
        if (clear) {
            return new Verdict(200, null, true);
        }
        String text = fields.get("text");
        if (text == null || text.isBlank() || text.codePointCount(0, text.length()) > MAX_LENGTH
                || text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
            return new Verdict(400, null, false);
        }
        String accept = r.first("accept");
        return new Verdict(json || accept != null && accept.contains("application/json") ? 201 : 200, text, false);
    }

    /** The members of a JSON object of strings with "text" at most once and nothing else (none for an empty body), or null. */
    private static Map<String, String> parseJson(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        if (body.length == 0) {
            return fields;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!name.equals("text") || reader.peek() != JsonToken.STRING || fields.containsKey(name)) {
                    return null;
                }
                fields.put(name, reader.nextString());
            }
            reader.endObject();
            return reader.peek() == JsonToken.END_DOCUMENT ? fields : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The fields, or null if the body is not a strict form. */
    private static Map<String, String> parse(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i < body.length && body[i] != '&') {
                continue;
            }
            if (i > start) {
                int eq = start;
                while (eq < i && body[eq] != '=') {
                    eq++;
                }
                String name = decode(body, start, eq);
                String value = eq < i ? decode(body, eq + 1, i) : "";
                if (name == null || value == null || fields.containsKey(name)) {
                    return null;
                }
                fields.put(name, value);
            }
            start = i + 1;
        }
        return fields;
    }

    private static String decode(byte[] body, int from, int to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            if (body[i] == '+') {
                bytes.write(' ');
            } else if (body[i] == '%') {
                if (i + 2 >= to) {
                    return null;
                }
                int high = hex(body[i + 1]);
                int low = hex(body[i + 2]);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(body[i]);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
