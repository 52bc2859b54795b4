package nodecast.publish;

import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a publish or clear, strictly parsed from an {@code application/x-www-form-urlencoded}
 * body (what browsers send) or a JSON object (what programs send). Bad percent-escapes, bytes that
 * are not UTF-8, malformed JSON and repeated fields are refused rather than guessed at, so what is
 * stored is exactly what the publisher sent.
 */
final class PublishFields {
    private final Map<String, String> fields;

    private PublishFields(Map<String, String> fields) {
        this.fields = fields;
    }

    /** The fields of a form, or throws with a reason fit for a 400. */
    static PublishFields parseForm(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        String ascii = new String(body, StandardCharsets.ISO_8859_1);
        for (String pair : ascii.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (fields.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("form field '" + name + "' is given more than once");
            }
        }
        return new PublishFields(fields);
    }

    /**
     * The fields of a JSON object whose members are strings (an empty body has none), or throws
     * with a reason fit for a 400. Only {@code text} is known: the key of a program goes in its
     * Authorization header, and a misspelt member is refused rather than ignored.
     */
    static PublishFields parseJson(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        if (body.length == 0) {
            return new PublishFields(fields);
        }
        try (JsonReader json = new JsonReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)))) {
            json.setStrictness(Strictness.STRICT);
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IllegalArgumentException("the body is not a JSON object");
            }
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (!name.equals("text")) {
                    throw new IllegalArgumentException("unknown member '" + name + "': a JSON publish has only \"text\"");
                }
                if (json.peek() != JsonToken.STRING) {
                    throw new IllegalArgumentException("\"" + name + "\" must be a string");
                }
                if (fields.putIfAbsent(name, json.nextString()) != null) {
                    throw new IllegalArgumentException("\"" + name + "\" is given more than once");
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) { // strict: anything after the object throws first
                throw new IllegalArgumentException("the body is not valid JSON");
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the body is not valid UTF-8");
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("the body is not valid JSON");
        }
        return new PublishFields(fields);
    }

    String get(String name) {
        return fields.get(name);
    }

    private static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length() || Character.digit(encoded.charAt(i + 1), 16) < 0 || Character.digit(encoded.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("form body has a bad percent-escape");
                }
                bytes.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("form body is not valid UTF-8");
        }
    }
}
